using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// Sleeps the calling thread until a <see cref="Stopwatch"/> timestamp without spinning: on Linux through
/// <c>nanosleep</c> (late by the kernel's timer slack, about 50 µs), elsewhere in one-millisecond steps.
/// </summary>
public static partial class PreciseSleep
{
    private static readonly bool _nanosleep = OperatingSystem.IsLinux();

    /// <summary>Returns once <paramref name="timestamp"/> has passed.</summary>
    public static void Until(long timestamp)
    {
        long remaining;
        while ((remaining = timestamp - Stopwatch.GetTimestamp()) > 0)
        {
            if (_nanosleep)
            {
                // Whole seconds and the rest apart, so a long sleep cannot overflow the nanosecond arithmetic.
                var seconds = remaining / Stopwatch.Frequency;
                var nanoseconds = (remaining % Stopwatch.Frequency) * 1_000_000_000 / Stopwatch.Frequency;
                var request = new TimeSpec { Seconds = seconds, Nanoseconds = nanoseconds };
                _ = NanoSleep(ref request, IntPtr.Zero);
            }
            else
            {
                System.Threading.Thread.Sleep(1);
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
