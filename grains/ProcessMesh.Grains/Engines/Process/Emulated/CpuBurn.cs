using System.Collections.Concurrent;
using System.Diagnostics;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Burns CPU: a real spin on the calling thread, so the core is really taken from every other worker, as a real
/// process's syscalls and copies take it. On Linux it spins until the thread's own CPU clock
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>) has advanced by the asked time, so a spin preempted on a busy machine still burns
/// all of it (as a real process's CPU per message stays the same when it waits for a core); elsewhere on the wall clock.
/// </summary>
public static class CpuBurn
{
    private static readonly bool _threadClock = ThreadCpuClock.Available;

    /// <summary>Burns <paramref name="ticks"/> <see cref="Stopwatch"/> ticks of CPU (nothing when zero).</summary>
    public static void For(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        if (_threadClock)
        {
            var end = ThreadCpuClock.TryNanos() + (long)(ticks * (1e9 / Stopwatch.Frequency));
            while (ThreadCpuClock.TryNanos() < end)
            {
            }

            return;
        }

        var until = Stopwatch.GetTimestamp() + ticks;
        while (Stopwatch.GetTimestamp() < until)
        {
            System.Threading.Thread.SpinWait(8);
        }
    }

    /// <summary>Burns waiting their turn on the dedicated burning threads.</summary>
    private static readonly BlockingCollection<(long Ticks, TaskCompletionSource Done)> _elsewhere = [];

    private static readonly Lazy<bool> _burners = new(() =>
    {
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            new System.Threading.Thread(Serve) { IsBackground = true, Name = $"processmesh-burn-{i}" }.Start();
        }

        return true;
    });

    /// <summary>
    /// Burns <paramref name="ticks"/> of CPU on one of a few dedicated OS threads (one per core), not on the caller's:
    /// what a process's start burns runs in the new process, which the OS time-slices with the silo's own threads.
    /// Burned in a grain turn it would hold a pool thread, and a thousand starts would starve the silo's scheduler
    /// (its membership probes and its answers to the client) for minutes.
    /// </summary>
    public static Task ElsewhereAsync(long ticks)
    {
        if (ticks <= 0)
        {
            return Task.CompletedTask;
        }

        _ = _burners.Value;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _elsewhere.Add((ticks, done));
        return done.Task;
    }

    private static void Serve()
    {
        foreach (var (ticks, done) in _elsewhere.GetConsumingEnumerable())
        {
            For(ticks);
            done.SetResult();
        }
    }

    /// <summary><paramref name="micros"/> microseconds in <see cref="Stopwatch"/> ticks.</summary>
    public static long Ticks(double micros) => (long)Math.Round(micros * Stopwatch.Frequency / 1_000_000);
}
