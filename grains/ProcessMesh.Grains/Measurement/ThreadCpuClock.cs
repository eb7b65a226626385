using System.Runtime.InteropServices;

namespace ProcessMesh.Grains.Measurement;

/// <summary>
/// The calling thread's own CPU clock (<c>CLOCK_THREAD_CPUTIME_ID</c>, Linux; a syscall of about 1.6 µs on this VM, so the
/// emulation's burn does not spin on it): what calibration reads a thread's CPU per message from. The one place that asks
/// the OS for it.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>Whether this system has the clock.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && TryNanos() >= 0;

    /// <summary>The calling thread's CPU time, nanoseconds; -1 when the clock cannot be read.</summary>
    public static long TryNanos()
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

    /// <summary>The calling thread's CPU time, seconds; throws when the system has no thread CPU clock.</summary>
    public static double Seconds() => TryNanos() is var nanos and >= 0
        ? nanos / 1e9
        : throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: no thread CPU clock on this system");

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
