using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Burns CPU: a real spin on the calling thread, so the core is really taken from every other worker, as a real
/// process's syscalls and copies take it. On Linux it spins until the thread's own CPU clock
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>) has advanced by the asked time, so a spin preempted on a busy machine still burns
/// all of it (as a real process's CPU per message stays the same when it waits for a core); elsewhere on the wall clock.
/// </summary>
public static partial class CpuBurn
{
    private const int ClockThreadCpuTime = 3;
    private static readonly bool _threadClock = OperatingSystem.IsLinux() && ThreadNanos() >= 0;

    /// <summary>Burns <paramref name="ticks"/> <see cref="Stopwatch"/> ticks of CPU (nothing when zero).</summary>
    public static void For(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        if (_threadClock)
        {
            var end = ThreadNanos() + (long)(ticks * (1e9 / Stopwatch.Frequency));
            while (ThreadNanos() < end)
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

    /// <summary>The calling thread's CPU time, nanoseconds; -1 when the clock cannot be read.</summary>
    private static long ThreadNanos()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? (t.Seconds * 1_000_000_000) + t.Nanoseconds : -1;
        }
        catch (DllNotFoundException)
        {
            return -1;
        }
        catch (EntryPointNotFoundException)
        {
            return -1;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
