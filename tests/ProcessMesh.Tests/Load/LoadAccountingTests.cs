using ProcessMesh.Contracts;
using ProcessMesh.Load;

namespace ProcessMesh.Tests.Load;

/// <summary>
/// Overload, provoked deterministically: a population whose calls, in turn, answer at once, fail, or never answer
/// until the drive is over. Every call issued must be counted once, and the failures must raise the percentiles.
/// </summary>
public sealed class LoadAccountingTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task An_open_loop_under_overload_counts_every_call_once_and_ignores_replies_after_the_close()
    {
        var spec = new LoadSpec { Rate = 2000, Duration = TimeSpan.FromMilliseconds(200), Timeout = _timeout };
        var grain = new ScriptedGrain();
        var drive = new Drive(spec);
        await drive.RunAsync([grain], [], CancellationToken.None);
        var record = Record(spec, drive.Figures);

        Assert.Equal(400, record.Calls); // 2,000/s for 0.2 s, sent whatever the replies did
        CountsEveryCallOnce(record);
        Assert.True(record.Errors > 0 && record.Timeouts > 0 && record.Completed > 0, Describe(record));
        FailuresRaiseThePercentiles(record);

        // The held calls answer now, after the close: they were counted as timeouts and must change nothing.
        grain.ReleaseHeld();
        Assert.Equal(record, Record(spec, drive.Figures));
    }

    [Fact]
    public async Task A_closed_loop_counts_each_stuck_caller_as_one_timeout()
    {
        var spec = new LoadSpec { Concurrency = 3, Duration = TimeSpan.FromMilliseconds(200), Timeout = _timeout };
        var grain = new ScriptedGrain();
        var drive = new Drive(spec);
        await drive.RunAsync([grain], [], CancellationToken.None);
        var record = Record(spec, drive.Figures);

        // Every caller reaches a call that does not answer within a few calls, and waits there until the close.
        Assert.Equal(3, record.Timeouts);
        Assert.True(record.Errors >= 1 && record.Completed >= 1, Describe(record));
        CountsEveryCallOnce(record);
        FailuresRaiseThePercentiles(record);

        grain.ReleaseHeld();
        Assert.Equal(record, Record(spec, drive.Figures));
    }

    private static RunResult Record(LoadSpec spec, DriveFigures figures) =>
        LoadRecord.From(Models.Process, spec, 1, spec.IsOpen ? null : spec.Concurrency, new MachineInfo { Cores = 2, Silos = 1 }, [figures], 1, 0, 0);

    private static void CountsEveryCallOnce(RunResult record)
    {
        Assert.Equal(record.Calls, record.Completed + record.Errors + record.Timeouts);
        Assert.Equal(record.Calls, record.Latency.Count);
        Assert.Equal(record.Completed, record.CompletedLatency!.Count);
        Assert.Equal(record.Completed, record.Work);
        Assert.False(record.Correct);
    }

    private static void FailuresRaiseThePercentiles(RunResult record)
    {
        var completed = record.CompletedLatency!;
        Assert.True(record.Latency.P99 >= completed.P99, $"p99 of every call {record.Latency.P99} µs below the completed calls' {completed.P99} µs");
        Assert.True(record.Latency.P50 >= completed.P50, $"p50 of every call {record.Latency.P50} µs below the completed calls' {completed.P50} µs");

        // More than 1 % of the calls failed or timed out, each recorded at the timeout at least: so is the p99.
        Assert.True(record.Latency.P99 >= _timeout.TotalMicroseconds * 0.999, $"p99 {record.Latency.P99} µs below the {_timeout.TotalMicroseconds} µs timeout");
    }

    private static string Describe(RunResult r) => $"{r.Calls} calls: {r.Completed} completed, {r.Errors} errors, {r.Timeouts} timeouts";

    /// <summary>Call n answers at once (n mod 4 = 0 or 3), throws (1), or waits for <see cref="ReleaseHeld"/> (2).</summary>
    private sealed class ScriptedGrain : ILoadGrain
    {
        private readonly TaskCompletionSource<long> _held = new();
        private long _calls;

        public void ReleaseHeld() => _held.SetResult(0);

        public ValueTask<long> Echo(byte[] payload) => (Interlocked.Increment(ref _calls) % 4) switch
        {
            1 => ValueTask.FromException<long>(new InvalidOperationException("scripted failure")),
            2 => new ValueTask<long>(_held.Task),
            _ => ValueTask.FromResult(0L),
        };

        public Task Activate(long memoryBytes) => Task.CompletedTask;

        public Task Deactivate() => Task.CompletedTask;
    }
}
