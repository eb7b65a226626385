using ProcessMesh.Grains.Engines.Gil;

namespace ProcessMesh.Tests.Engines;

public sealed class InterpreterLockTests
{
    [Fact]
    public void One_holder_at_a_time_and_the_lock_changes_hands_when_the_interval_runs_out()
    {
        var gil = new InterpreterLock(switchIntervalMs: 0.05);
        var holders = 0;
        var mostHolders = 0;
        var stepsByThread = new long[2];
        var deadline = DateTime.UtcNow.AddSeconds(30);

        void Worker(int index)
        {
            gil.Acquire();
            try
            {
                // Run compute steps until the lock has been handed over a few times (the condition), or time is up.
                while (gil.ForcedSwitches < 20 && DateTime.UtcNow < deadline)
                {
                    var now = Interlocked.Increment(ref holders);
                    InterlockedMax(ref mostHolders, now);
                    Thread.SpinWait(50);
                    Interlocked.Decrement(ref holders);
                    stepsByThread[index]++;
                    gil.Checkpoint();
                }
            }
            finally
            {
                gil.Release();
            }
        }

        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() => Worker(i))).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        Assert.Equal(1, mostHolders);
        Assert.True(gil.ForcedSwitches >= 20, $"the lock changed hands only {gil.ForcedSwitches} times in 30 s");
        Assert.All(stepsByThread, steps => Assert.True(steps > 0, "a thread never got the lock"));
    }

    [Fact]
    public void A_lone_holder_is_never_interrupted()
    {
        var gil = new InterpreterLock(switchIntervalMs: 0.001);
        gil.Acquire();
        for (var i = 0; i < 10_000; i++)
        {
            gil.Checkpoint();
        }

        gil.Release();
        Assert.Equal(0, gil.ForcedSwitches);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
