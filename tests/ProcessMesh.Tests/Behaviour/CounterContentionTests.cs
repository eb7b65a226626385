using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Behaviour;

/// <summary>Unguarded shared memory loses updates and says how many; messages to the owning process never do.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CounterContentionTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Threads_without_a_guard_lose_updates_and_count_them()
    {
        // Seven threads each racing through four million read-then-write increments (longer than a scheduler quantum, so
        // that they overlap even on a loaded machine). Each attempt is a fresh run; the condition waited on is "a loss was seen".
        RunResult? result = null;
        for (var attempt = 0; attempt < 5 && result is not { LostUpdates: > 0 }; attempt++)
        {
            result = await cluster.RunAsync(new RunSpec { Model = Models.Thread, Workload = Workload.Counter, Workers = 7, Work = 28_000_000, Granularity = 1000, Sync = SyncPrimitive.None });
        }

        Assert.NotNull(result);
        Assert.True(result.LostUpdates > 0, "7 unguarded threads never lost an update in 5 runs");
        Assert.False(result.Correct);
        Assert.Equal((ulong)result.Work - (ulong)result.LostUpdates, ulong.Parse(result.Actual, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("none", result.Sync);
    }

    [Theory]
    [InlineData(SyncPrimitive.Lock)]
    [InlineData(SyncPrimitive.Interlocked)]
    [InlineData(SyncPrimitive.Spin)]
    public async Task Guarded_threads_lose_nothing(SyncPrimitive sync)
    {
        var result = await cluster.RunAsync(new RunSpec { Model = Models.Thread, Workload = Workload.Counter, Workers = 7, Work = 700_000, Granularity = 1000, Sync = sync });

        Assert.True(result.Correct);
        Assert.Equal(0, result.LostUpdates);
    }

    [Fact]
    public async Task Processes_never_lose_an_update()
    {
        var result = await cluster.RunAsync(new RunSpec { Model = Models.Process, Workload = Workload.Counter, Workers = 7, Work = 3_000, Sync = SyncPrimitive.None });

        Assert.True(result.Correct);
        Assert.Equal(0, result.LostUpdates);
        Assert.Null(result.Sync);
        Assert.True(result.Messages > 0, "increments from other processes must travel as messages");
    }
}
