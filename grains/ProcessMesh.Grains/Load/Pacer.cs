using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcessMesh.Grains.Load;

/// <summary>
/// Sleeps a thread until a <see cref="Stopwatch"/> timestamp with sub-millisecond accuracy and without spinning:
/// on Linux through <c>nanosleep</c> (accurate to the kernel's timer slack, about 50 µs), elsewhere in
/// one-millisecond steps. An open-loop load needs this: .NET's timers and Thread.Sleep wake a millisecond or
/// more late, and spinning instead would take a core from the silo under test.
/// </summary>
internal static partial class Pacer
{
    private const long NanosecondsPerSecond = 1_000_000_000;
    private static readonly bool _nanosleep = OperatingSystem.IsLinux();

    /// <summary>Returns once <paramref name="timestamp"/> has passed.</summary>
    public static void SleepUntil(long timestamp)
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
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>
    /// A wait of <paramref name="ticks"/> at <paramref name="frequency"/> ticks a second as <c>nanosleep</c> takes it:
    /// whole seconds, then nanoseconds below one second. Split before scaling: ticks × 10⁹ overflows a long beyond
    /// about 9.2 s at Linux's 10⁹ ticks a second, and a negative request fails at once, so the pacer spun.
    /// </summary>
    internal static (long Seconds, long Nanoseconds) SleepRequest(long ticks, long frequency) =>
        (ticks / frequency, ticks % frequency * NanosecondsPerSecond / frequency);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);
}
