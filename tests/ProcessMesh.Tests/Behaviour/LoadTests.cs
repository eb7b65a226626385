using ProcessMesh.Contracts;
using ProcessMesh.Grains.Load;

namespace ProcessMesh.Tests.Behaviour;

/// <summary>Load tests activate a population, drive it on either path, and report the load fields.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LoadTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_hosted_closed_loop_test_reports_activation_latency_and_no_errors()
    {
        var result = await cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid())
            .RunLoad(Models.Process, new LoadSpec { Grains = 300, MemoryBytes = 16 * 1024, Duration = TimeSpan.FromMilliseconds(300), Warmups = 1, Repeats = 3 }, 4);

        Assert.Equal("hosted", result.Path);
        Assert.Equal("closed", result.LoadMode);
        Assert.Equal(300, result.Grains);
        Assert.True(result.ActivationSeconds > 0 && result.ActivationRate > 0);
        Assert.True(result.Calls > 0 && result.Latency.Count == result.Calls);
        Assert.Equal(result.Calls, result.Completed);
        Assert.Equal(3, result.Repeats);
        Assert.True(result.ThroughputMin <= result.Throughput && result.Throughput <= result.ThroughputMax);
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.Timeouts);
        Assert.True(result.MemoryPerGrainBytes >= 16 * 1024 * 0.95, $"memory per grain {result.MemoryPerGrainBytes}");
        Assert.Null(result.ServiceLatency); // a closed loop has no schedule to be late against
        Assert.Null(result.SendLag);
    }

    [Fact]
    public async Task An_external_open_loop_test_sends_the_scheduled_calls()
    {
        var coordinator = cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        var spec = new LoadSpec { Grains = 100, Rate = 1000, Ramp = TimeSpan.FromMilliseconds(200), Duration = TimeSpan.FromMilliseconds(600), Path = LoadPaths.External };
        var result = await new LoadDriver(cluster.Client, spec, coordinator, await coordinator.Describe()).RunAsync();

        Assert.Equal("external", result.Path);
        Assert.Equal("open", result.LoadMode);
        // 1000/s for 0.6 s with a 0.2 s ramp from zero schedules 0.1 s × 1000 + 0.4 s × 1000 = 500 calls, each counted once.
        Assert.Equal(500, result.Calls);
        Assert.Equal(result.Calls, result.Completed + result.Errors + result.Timeouts);

        // Each call is timed three ways from two clock reads and its schedule: due → done (corrected) is
        // due → sent (lag) plus sent → done (service), so no percentile of the corrected latency is below either.
        var service = Assert.IsType<LatencySummary>(result.ServiceLatency);
        var lag = Assert.IsType<LatencySummary>(result.SendLag);
        Assert.Equal(result.Completed, service.Count);
        Assert.Equal(result.Completed, lag.Count);
        Assert.True(result.Latency.P50 >= service.P50 && result.Latency.P99 >= service.P99, $"corrected {result.Latency.P99} µs below service {service.P99} µs");
        Assert.True(result.Latency.P99 >= lag.P99, $"corrected {result.Latency.P99} µs below send lag {lag.P99} µs");
    }

    [Theory]
    [InlineData("thread")]
    [InlineData("gil")]
    public async Task Thread_models_run_the_same_population_in_shared_memory(string model)
    {
        var result = await cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid())
            .RunLoad(model, new LoadSpec { Grains = 300, MemoryBytes = 16 * 1024, PayloadBytes = 64, Duration = TimeSpan.FromMilliseconds(200) }, 2);

        Assert.Equal(model, result.Model);
        Assert.Equal(300, result.Grains);
        Assert.Equal(2, result.Concurrency);
        Assert.True(result.Calls > 0 && result.Latency.Count == result.Calls);
        Assert.Equal(result.Calls, result.Completed + result.Errors + result.Timeouts);
        Assert.True(result.MemoryPerGrainBytes >= 16 * 1024 * 0.95, $"memory per object {result.MemoryPerGrainBytes}");
    }

    [Theory]
    [InlineData(Models.Process)]
    [InlineData("thread")]
    public async Task A_timeout_shorter_than_any_call_makes_every_call_a_timeout_counted_once(string model)
    {
        // One tick (100 ns) is less than any grain call takes: overload, provoked deterministically. A thread's
        // call in shared memory can be that fast, so there only the accounting is certain.
        var timeout = TimeSpan.FromTicks(1);
        var result = await cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid())
            .RunLoad(model, new LoadSpec { Grains = 50, PayloadBytes = 64, Duration = TimeSpan.FromMilliseconds(200), Timeout = timeout }, 2);

        Assert.True(result.Calls > 0);
        Assert.Equal(result.Calls, result.Completed + result.Errors + result.Timeouts);
        Assert.Equal(result.Calls, result.Latency.Count);
        if (model == Models.Process)
        {
            // A grain call takes microseconds: every one is late, and is recorded at no less than the timeout.
            Assert.False(result.Correct);
            Assert.Equal(0, result.Completed);
            Assert.Equal(result.Calls, result.Timeouts);
            Assert.True(result.Latency.P50 >= timeout.TotalMicroseconds, $"p50 {result.Latency.P50} µs below the {timeout.TotalMicroseconds} µs timeout");
        }

        Assert.True(result.Latency.P99 >= result.CompletedLatency!.P99, $"p99 of every call {result.Latency.P99} µs below the completed calls' {result.CompletedLatency.P99} µs");
    }

    [Fact]
    public async Task A_population_that_cannot_fit_is_refused_before_activation()
    {
        var error = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid())
            .RunLoad(Models.Process, new LoadSpec { Grains = 1_000_000, MemoryBytes = 1L << 30 }, 4));
        Assert.Equal(RefusedSetting.Grains, error.Setting); // the population, weighed with its memory per grain
        Assert.Contains("1,000,000 grains", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("--grains/--memory: ", ProcessMesh.Cli.Commands.Execution.Refused(error), StringComparison.Ordinal);
    }
}
