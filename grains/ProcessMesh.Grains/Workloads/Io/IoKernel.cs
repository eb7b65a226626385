using System.Diagnostics;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// One simulated I/O: a wait of exactly the asked length on the kernel's clock (<c>nanosleep</c>, as CPython's
/// <c>time.sleep</c> uses), returning a value derived from the unit's index, so lost or doubled waits show. A
/// thread blocks in the call itself; a process awaits <see cref="IoTimer"/>, whose one thread sleeps the same
/// way, so both models wait on the same device and its resolution is not mistaken for a model's cost. (.NET's
/// own timers wake late: <c>Task.Delay(1)</c> and <c>Task.Delay(2)</c> both take about 4 ms here.)
/// </summary>
public static class IoKernel
{
    /// <summary>Blocks the calling thread for <paramref name="milliseconds"/>.</summary>
    public static void Block(double milliseconds) => PreciseSleep.Until(Stopwatch.GetTimestamp() + Ticks(milliseconds));

    /// <summary>Completes after <paramref name="milliseconds"/>, without holding a thread.</summary>
    public static Task WaitAsync(double milliseconds) => IoTimer.Shared.At(Stopwatch.GetTimestamp() + Ticks(milliseconds));

    /// <summary>The value I/O unit <paramref name="k"/> reads.</summary>
    public static ulong Value(long k)
    {
        var s = Cpu.CpuKernel.Seed(k);
        return s ^ (s >> 29);
    }

    /// <summary>The sum of every unit's value.</summary>
    public static ulong Expected(long work)
    {
        ulong sum = 0;
        for (long k = 0; k < work; k++)
        {
            sum = unchecked(sum + Value(k));
        }

        return sum;
    }

    private static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);
}
