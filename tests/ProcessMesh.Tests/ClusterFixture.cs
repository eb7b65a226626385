using Orleans.TestingHost;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines;

namespace ProcessMesh.Tests;

/// <summary>One in-process silo (no ports, no Redis) with every engine, shared by the tests of <see cref="ClusterCollection"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("cluster not started");

    /// <summary>Runs one measured repetition through a fresh coordinator.</summary>
    public Task<RunResult> RunAsync(RunSpec spec) => Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);

    public async Task InitializeAsync() => _cluster = await DeployAsync(silos: 1);

    /// <summary>Starts <paramref name="silos"/> in-process silos with every engine (and <paramref name="configure"/>'s settings).</summary>
    public static async Task<InProcessTestCluster> DeployAsync(short silos, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddProcessMeshEngines();
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
