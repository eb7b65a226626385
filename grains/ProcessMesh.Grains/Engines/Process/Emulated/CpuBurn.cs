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

    /// <summary><paramref name="micros"/> microseconds in <see cref="Stopwatch"/> ticks.</summary>
    public static long Ticks(double micros) => (long)Math.Round(micros * Stopwatch.Frequency / 1_000_000);
}
