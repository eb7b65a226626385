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

    [Fact]
    public void Only_the_holder_may_release()
    {
        var gil = new InterpreterLock(switchIntervalMs: 5);
        Assert.Throws<SynchronizationLockException>(gil.Release); // nobody holds it

        gil.Acquire();
        Exception? fromOther = null;
        var other = new Thread(() => fromOther = Record.Exception(gil.Release));
        other.Start();
        other.Join();

        Assert.IsType<SynchronizationLockException>(fromOther);
        Assert.True(gil.IsHeld, "a release by another thread took the lock from its holder");
        gil.Release();
        Assert.False(gil.IsHeld);
    }

    [Fact]
    public async Task Many_threads_mixing_compute_native_and_io_releases_never_hang_and_never_share_the_lock()
    {
        var gil = new InterpreterLock(switchIntervalMs: 0.05);
        const int threads = 64;
        var holders = 0;
        var mostHolders = 0;
        var finished = 0;

        void Worker(int index)
        {
            gil.Acquire();
            try
            {
                for (var step = 0; step < 200; step++)
                {
                    var now = Interlocked.Increment(ref holders);
                    InterlockedMax(ref mostHolders, now);
                    Thread.SpinWait(20);
                    Interlocked.Decrement(ref holders);
                    gil.Checkpoint();
                    if ((step + index) % 7 == 0)
                    {
                        gil.Release(); // native code or a blocking wait
                        Thread.Yield();
                        gil.Checkpoint(); // a stray checkpoint while not holding must do nothing
                        gil.Acquire();
                    }
                }
            }
            finally
            {
                gil.Release();
                Interlocked.Increment(ref finished);
            }
        }

        var all = Enumerable.Range(0, threads).Select(i => new Thread(() => Worker(i)) { IsBackground = true }).ToArray();
        foreach (var t in all)
        {
            t.Start();
        }

        var joined = Task.Run(() =>
        {
            foreach (var t in all)
            {
                t.Join();
            }
        });
        var deadline = TimeSpan.FromSeconds(60);
        Assert.True(await Task.WhenAny(joined, Task.Delay(deadline)) == joined, $"only {finished} of {threads} threads finished within {deadline.TotalSeconds} s: the lock hung");
        Assert.Equal(1, mostHolders);
        Assert.False(gil.IsHeld);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
