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
    private static readonly bool _nanosleep = OperatingSystem.IsLinux();

    /// <summary>Returns once <paramref name="timestamp"/> has passed.</summary>
    public static void SleepUntil(long timestamp)
    {
        long remaining;
        while ((remaining = timestamp - Stopwatch.GetTimestamp()) > 0)
        {
            if (_nanosleep)
            {
                var nanoseconds = remaining * 1_000_000_000 / Stopwatch.Frequency;
                var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
                _ = NanoSleep(ref request, IntPtr.Zero);
            }
            else
            {
                Thread.Sleep(1);
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);
}
