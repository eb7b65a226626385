using System.Diagnostics;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// Completes waits at their deadlines from one dedicated thread that sleeps with <see cref="PreciseSleep"/>, its
/// timer slack set to 1 ns (<see cref="PreciseSleep.TightenTimerSlack"/>), so it wakes within a few microseconds of a
/// deadline, not the kernel's default 50 µs: the awaiting side of <see cref="IoKernel"/>, and the waits of an
/// emulated process's messages (<see cref="At"/>, their overruns kept by a <see cref="WaitLedger"/>). <c>Task.Delay</c> cannot do either: its granularity is
/// about a millisecond. The thread sleeps at most a millisecond at a time, so a wait that arrives with an earlier
/// deadline than the one it sleeps towards is at most that late; it parks when idle.
/// </summary>
public sealed class IoTimer
{
    private static readonly long _slice = Stopwatch.Frequency / 1000;
    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0);
    private long _lateTicks;

    private IoTimer()
    {
        new System.Threading.Thread(Serve) { IsBackground = true, Name = "processmesh-io-timer", Priority = ThreadPriority.AboveNormal }.Start();
    }

    /// <summary>The one timer of this process.</summary>
    public static IoTimer Shared { get; } = new();

    /// <summary>The running mean of how late a <see cref="WaitAsync(long)"/> resumes, ticks.</summary>
    public long LateTicks => Volatile.Read(ref _lateTicks);

    /// <summary>A task that completes once <paramref name="timestamp"/> has passed (late by the thread's wake-up).</summary>
    public Task At(long timestamp)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool wasIdle;
        lock (_gate)
        {
            wasIdle = _due.Count == 0;
            _due.Enqueue(done, timestamp);
        }

        if (wasIdle)
        {
            _work.Release();
        }

        return done.Task;
    }

    /// <summary>
    /// Waits <paramref name="ticks"/> <see cref="Stopwatch"/> ticks (nothing when none) so that the waits average what
    /// was asked: a wait ends late by the thread's wake-up and the continuation's dispatch to the waiter's scheduler,
    /// so the timer keeps a running mean of that lateness and starts each wait that much early, never by more than
    /// half the wait (none is shorter than half of what was asked).
    /// </summary>
    public async Task WaitAsync(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        var at = Stopwatch.GetTimestamp() + ticks - Math.Min(LateTicks, ticks / 2);
        await At(at);
        Learn(Stopwatch.GetTimestamp() - at);
    }

    private void Serve()
    {
        PreciseSleep.TightenTimerSlack();
        while (true)
        {
            _work.Wait();
            while (true)
            {
                long next;
                lock (_gate)
                {
                    var now = Stopwatch.GetTimestamp();
                    while (_due.TryPeek(out var due, out var at) && at <= now)
                    {
                        _due.Dequeue();
                        due.SetResult();
                    }

                    if (!_due.TryPeek(out _, out next))
                    {
                        break;
                    }
                }

                PreciseSleep.Until(Math.Min(next, Stopwatch.GetTimestamp() + _slice));
            }
        }
    }

    /// <summary>Folds one lateness into the running mean (1/64 of each new one), bounded to a millisecond; racing waiters may lose an update, which a mean can spare.</summary>
    private void Learn(long late)
    {
        var current = Volatile.Read(ref _lateTicks);
        var mean = current + ((Math.Clamp(late, 0, _slice) - current) / 64);
        Volatile.Write(ref _lateTicks, Math.Max(0, mean));
    }
}
