using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Completes waits of a few microseconds at their deadlines without holding a core: one thread per silo sleeps on the
/// kernel's clock (<c>nanosleep</c> with its timer slack set to 1 ns, as a real process's wake-up is) until the next
/// deadline and completes every wait due. <c>Task.Delay</c> cannot do this: its granularity is about a millisecond.
/// A wait ends late by the thread's wake-up and the continuation's dispatch; the line keeps a running mean of that lateness and starts each wait that
/// much early (never by more than half the wait), so the waits average what was asked and none is shorter than half.
/// </summary>
public sealed partial class DelayLine
{
    private const int PrSetTimerSlack = 29;
    private static readonly long _slice = Stopwatch.Frequency / 1000;
    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0);
    private long _lateTicks;

    private DelayLine()
    {
        new System.Threading.Thread(Serve) { IsBackground = true, Name = "processmesh-delay-line", Priority = ThreadPriority.AboveNormal }.Start();
    }

    /// <summary>The one delay line of this process.</summary>
    public static DelayLine Shared { get; } = new();

    /// <summary>The running mean of how late a wait completes, ticks.</summary>
    public long LateTicks => Volatile.Read(ref _lateTicks);

    /// <summary>
    /// Waits <paramref name="ticks"/> <see cref="Stopwatch"/> ticks (nothing when none), and learns how late the waiter
    /// resumed: the line's wake-up and the continuation's dispatch to the waiter's scheduler, both.
    /// </summary>
    public async Task WaitAsync(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        var at = Stopwatch.GetTimestamp() + ticks - Math.Min(LateTicks, ticks / 2);
        await After(at);
        Learn(Stopwatch.GetTimestamp() - at);
    }

    /// <summary>A task that completes once <paramref name="timestamp"/> has passed.</summary>
    private Task After(long timestamp)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var at = timestamp;
        bool wasIdle;
        lock (_gate)
        {
            wasIdle = _due.Count == 0;
            _due.Enqueue(done, at);
        }

        if (wasIdle)
        {
            _work.Release();
        }

        return done.Task;
    }

    private void Serve()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = PrCtl(PrSetTimerSlack, 1, 0, 0, 0); // this thread's sleeps end within a microsecond or so of their deadline
        }

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

                Workloads.Io.PreciseSleep.Until(Math.Min(next, Stopwatch.GetTimestamp() + _slice));
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

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int PrCtl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
