using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines;

namespace ProcessMesh.Tests;

/// <summary>One in-process silo (no ports, no Redis) with every engine, shared by the tests of <see cref="ClusterCollection"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("cluster not started");

    /// <summary>The (one) silo's services.</summary>
    public IServiceProvider SiloServices => _cluster?.Silos[0].ServiceProvider ?? throw new InvalidOperationException("cluster not started");

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
        await EveryoneSeesEveryoneAsync(cluster, silos);
        return cluster;
    }

    /// <summary>
    /// Waits until each silo's own membership view lists all <paramref name="silos"/> as active. Deploying returns when
    /// the silos have started, while a coordinator deals workers over the silos its own silo sees: a run started a moment
    /// too early spreads over fewer silos than the test started (OutputRoundTripTests failed once in CI this way).
    /// </summary>
    private static async Task EveryoneSeesEveryoneAsync(InProcessTestCluster cluster, short silos)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!cluster.Silos.All(s => s.ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) >= silos))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the {silos} silos did not all list each other as active within 60 s");
            }

            await Task.Delay(50);
        }
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
[TypicalSeconds(180)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
