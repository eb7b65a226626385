using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProcessMesh.Contracts;
using ProcessMesh.Silo;
using ProcessMesh.Tests.Cluster;

namespace ProcessMesh.Tests.Engines;

/// <summary>
/// Memory per worker is read the same way in every model. These tests read a process's memory, so they run on a
/// silo process of their own: nothing else in it allocates or lets go meanwhile.
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

/// <summary>
/// A real silo process for the memory tests alone. Memory is read per process, and the test process holds the
/// other tests' silos: one of them letting go of memory between the two readings made 32 MiB of workers read as
/// 16 MiB. A silo process of its own runs nothing but these runs, as a user's silo does.
/// </summary>
public sealed class MemoryFixture : IAsyncLifetime
{
    private SiloProcess? _silo;
    private IHost? _client;

    public Task<RunResult> RunAsync(RunSpec spec) =>
        (_client ?? throw new InvalidOperationException("silo not started")).Services.GetRequiredService<IClusterClient>()
            .GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);

    public async Task InitializeAsync()
    {
        var clusterId = $"memory-{Guid.NewGuid():N}";
        _silo = SiloProcess.Start(new Dictionary<string, string> { ["ClusterId"] = clusterId });
        await _silo.Listening.WaitAsync(TimeSpan.FromMinutes(2));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddProcessMeshClient(new IPEndPoint(IPAddress.Loopback, _silo.GatewayPort), clusterId);
        _client = builder.Build();
        await _client.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _client.Dispose();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MemoryCollection : ICollectionFixture<MemoryFixture>
{
    public const string Name = "memory";
}
