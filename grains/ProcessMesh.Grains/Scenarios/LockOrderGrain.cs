using System.Diagnostics;
using ProcessMesh.Contracts.Scenarios;

namespace ProcessMesh.Grains.Scenarios;

/// <summary>
/// Two dedicated OS threads and two locks. A barrier makes both threads hold their first lock before either
/// reaches for its second, so opposite orders deadlock every time rather than by luck. Each wait is a
/// <see cref="Monitor.TryEnter(object, int)"/> with a timeout: a thread that times out reports what it held and
/// waited for, lets go, and retries in the one global order (L1 before L2), which is how the run recovers.
/// The grain awaits the threads; no Orleans scheduler thread ever blocks.
/// </summary>
[PreferLocalPlacement]
internal sealed class LockOrderGrain : Grain, ILockOrderGrain
{
    public async Task<LockOrderReport> TakeTwoLocks(bool oppositeOrder, int timeoutMs)
    {
        var l1 = new object();
        var l2 = new object();
        // Only in opposite order can both threads hold a first lock at once; in the same order the second thread
        // waits for the first lock instead, so a barrier there would only wait for a thread that cannot come.
        using var bothHoldOne = oppositeOrder ? new Barrier(2) : null;
        var clock = Stopwatch.StartNew();
        var a = Start("A", l1, "L1", l2, "L2", bothHoldOne, timeoutMs);
        var b = oppositeOrder ? Start("B", l2, "L2", l1, "L1", bothHoldOne, timeoutMs) : Start("B", l1, "L1", l2, "L2", bothHoldOne, timeoutMs);
        var threads = await Task.WhenAll(a, b);
        DeactivateOnIdle();
        return new LockOrderReport
        {
            Deadlocked = threads.Any(t => t.TimedOut),
            Threads = threads.Select(t => t.Story).ToList(),
            Completed = threads.All(t => t.Done),
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private sealed record ThreadStory(bool TimedOut, bool Done, string Story);

    private static Task<ThreadStory> Start(string name, object first, string firstName, object second, string secondName, Barrier? bothHoldOne, int timeoutMs)
    {
        var done = new TaskCompletionSource<ThreadStory>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(Run(name, first, firstName, second, secondName, bothHoldOne, timeoutMs));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"lock-order {name}",
        };
        thread.Start();
        return done.Task;
    }

    private static ThreadStory Run(string name, object first, string firstName, object second, string secondName, Barrier? bothHoldOne, int timeoutMs)
    {
        var order = $"{name}: {firstName} → {secondName}";
        lock (first)
        {
            // Both threads hold their first lock before either reaches for its second. The barrier itself is
            // bounded too: a thread whose partner never arrives does not wait forever.
            bothHoldOne?.SignalAndWait(timeoutMs * 4);
            var waiting = Stopwatch.StartNew();
            if (Monitor.TryEnter(second, timeoutMs))
            {
                Monitor.Exit(second);
                var waited = waiting.Elapsed.TotalMilliseconds;
                return new ThreadStory(false, true, waited < 1
                    ? $"{order} (both taken)"
                    : $"{order} (held {firstName}, waited {waited:0} ms for {secondName} until the other thread let go, then took it)");
            }
        }

        // Recovery: having let go of its first lock, the thread retries in the one global order.
        var (low, high) = string.CompareOrdinal(firstName, secondName) < 0 ? (first, second) : (second, first);
        var done = false;
        if (Monitor.TryEnter(low, timeoutMs * 4))
        {
            try
            {
                if (Monitor.TryEnter(high, timeoutMs * 4))
                {
                    Monitor.Exit(high);
                    done = true;
                }
            }
            finally
            {
                Monitor.Exit(low);
            }
        }

        return new ThreadStory(true, done, $"{order} (held {firstName}, waited {timeoutMs} ms for {secondName}; let go, retried L1 → L2: {(done ? "done" : "failed")})");
    }
}
