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

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddProcessMeshEngines());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
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
