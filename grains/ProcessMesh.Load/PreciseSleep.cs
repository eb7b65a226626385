using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcessMesh.Load;

/// <summary>
/// Sleeps the calling thread until a <see cref="Stopwatch"/> timestamp without spinning: on Linux through
/// <c>nanosleep</c> (late by the calling thread's timer slack: the kernel's default 50 µs, or 1 ns after
/// <see cref="TightenTimerSlack"/>), elsewhere in one-millisecond steps. The one precise sleep of the tree: the io
/// workload's waits, the emulation's (both through the grains' <c>IoTimer</c>) and the open-loop load's pacing. .NET's
/// timers and Thread.Sleep wake a millisecond or more late, and spinning instead would take a core.
/// </summary>
public static partial class PreciseSleep
{
    private const int PrSetTimerSlack = 29;
    private static readonly bool _nanosleep = OperatingSystem.IsLinux();

    /// <summary>
    /// Sets the calling thread's timer slack to 1 ns (Linux, <c>prctl(PR_SET_TIMERSLACK)</c>), so its sleeps end
    /// within a microsecond or so of their deadline, as a real process's wake-up on a message does; nothing elsewhere.
    /// </summary>
    public static void TightenTimerSlack()
    {
        if (_nanosleep)
        {
            _ = PrCtl(PrSetTimerSlack, 1, 0, 0, 0);
        }
    }

    /// <summary>Returns once <paramref name="timestamp"/> has passed.</summary>
    public static void Until(long timestamp)
    {
        long remaining;
        while ((remaining = timestamp - Stopwatch.GetTimestamp()) > 0)
        {
            if (_nanosleep)
            {
                var (seconds, nanoseconds) = SleepRequest(remaining, Stopwatch.Frequency);
                var request = new TimeSpec { Seconds = seconds, Nanoseconds = nanoseconds };
                _ = NanoSleep(ref request, IntPtr.Zero);
            }
            else
            {
                System.Threading.Thread.Sleep(1);
            }
        }
    }

    /// <summary>
    /// A wait of <paramref name="ticks"/> at <paramref name="frequency"/> ticks a second as <c>nanosleep</c> takes it:
    /// whole seconds, then nanoseconds below one second. Split before scaling: ticks × 10⁹ overflows a long beyond
    /// about 9.2 s at Linux's 10⁹ ticks a second, and a negative request fails at once, so the sleeper spun.
    /// </summary>
    internal static (long Seconds, long Nanoseconds) SleepRequest(long ticks, long frequency) =>
        (ticks / frequency, ticks % frequency * 1_000_000_000 / frequency);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int PrCtl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);
}
