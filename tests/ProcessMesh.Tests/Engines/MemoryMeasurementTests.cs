using Orleans.TestingHost;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Engines;

/// <summary>
/// Memory per worker is read the same way in every model. These tests read a process's memory, so they run in
/// a collection of their own that xunit runs alone, on a silo of their own: no other test allocates meanwhile.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class MemoryMeasurementTests(MemoryFixture silo)
{
    [Fact]
    public async Task Each_process_really_holds_its_private_memory()
    {
        const long memory = 4L << 20;
        var result = await silo.RunAsync(new RunSpec { Model = Models.Process, Workload = Workload.Counter, Workers = 8, Work = 100, MemoryBytes = memory });

        Assert.True(result.Correct);
        Assert.False(result.MemoryBelowResolution, $"32 MiB of touched private memory read as below resolution ({result.MemoryPerWorkerBytes} B per worker)");
        Assert.InRange(result.MemoryPerWorkerBytes, memory * 0.9, memory * 3);
        Assert.InRange(result.HeapPerWorkerBytes, memory * 0.95, memory * 1.5);
        Assert.Equal(memory, result.MemoryBytesRequested);
    }

    [Fact]
    public async Task Without_private_memory_a_few_workers_read_as_below_resolution_never_as_a_negative_cost()
    {
        foreach (var model in Models.All)
        {
            var result = await silo.RunAsync(new RunSpec { Model = model, Workload = Workload.Cpu, Workers = 2, Work = 2_000, Granularity = 100 });

            Assert.True(result.MemoryPerWorkerBytes >= 0 && result.HeapPerWorkerBytes >= 0, $"{model}: a negative memory per worker");
            Assert.Equal(result.MemoryPerWorkerBytes * 2 < 1024 * 1024, result.MemoryBelowResolution);
            Assert.Equal(512 * 1024, result.MemoryResolutionBytes);
        }
    }
}

/// <summary>A silo for the memory tests alone.</summary>
public sealed class MemoryFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public Task<RunResult> RunAsync(RunSpec spec) =>
        (_cluster ?? throw new InvalidOperationException("silo not started")).Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);

    public async Task InitializeAsync() => _cluster = await ClusterFixture.DeployAsync(silos: 1);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection : ICollectionFixture<MemoryFixture>
{
    public const string Name = "memory";
}
