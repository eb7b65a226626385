using System.Diagnostics;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Burns CPU for a span of the clock: a real spin on the calling thread, so the core is really taken from every
/// other worker, as a real process's syscalls and copies take it.
/// </summary>
public static class CpuBurn
{
    /// <summary>Spins until <paramref name="ticks"/> <see cref="Stopwatch"/> ticks have passed (nothing when zero).</summary>
    public static void For(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        var end = Stopwatch.GetTimestamp() + ticks;
        while (Stopwatch.GetTimestamp() < end)
        {
            System.Threading.Thread.SpinWait(8);
        }
    }

    /// <summary><paramref name="micros"/> microseconds in <see cref="Stopwatch"/> ticks.</summary>
    public static long Ticks(double micros) => (long)Math.Round(micros * Stopwatch.Frequency / 1_000_000);
}
