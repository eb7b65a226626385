using System.Diagnostics;

namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// Completes waits at their deadlines from one dedicated thread that sleeps with <see cref="PreciseSleep"/>: the
/// awaiting side of <see cref="IoKernel"/>. The thread sleeps at most a millisecond at a time, so a wait that
/// arrives with an earlier deadline than the one it sleeps towards is at most that late; it parks when idle.
/// </summary>
public sealed class IoTimer
{
    private static readonly long _slice = Stopwatch.Frequency / 1000;
    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0);

    private IoTimer()
    {
        new System.Threading.Thread(Serve) { IsBackground = true, Name = "processmesh-io-timer" }.Start();
    }

    /// <summary>The one timer of this process.</summary>
    public static IoTimer Shared { get; } = new();

    /// <summary>A task that completes once <paramref name="timestamp"/> has passed.</summary>
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

    private void Serve()
    {
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
}
