using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Bench;

/// <summary>
/// An independent measure of load calls: an Orleans outgoing-call filter times every <see cref="ILoadGrain.Echo"/>
/// with its own clock reads and keeps the raw values (no histogram), to check the load driver's p99 against.
/// Values go into a preallocated array through an atomic index: a lock here would sit inside the driver's clock
/// (after the filter's), and a preempted holder on two cores would stretch the driver's tail but not the filter's.
/// </summary>
public sealed class EchoTimingFilter : IOutgoingGrainCallFilter
{
    private readonly long[] _ticks = new long[1 << 20];
    private int _count;

    /// <summary>Whether calls are being recorded.</summary>
    public bool Recording { get; set; }

    /// <summary>Calls recorded (at most the buffer's 1,048,576).</summary>
    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!Recording || context.InterfaceMethod?.Name != nameof(ILoadGrain.Echo))
        {
            await context.Invoke();
            return;
        }

        var start = Stopwatch.GetTimestamp();
        await context.Invoke();
        var elapsed = Stopwatch.GetTimestamp() - start;
        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot < _ticks.Length)
        {
            _ticks[slot] = elapsed;
        }
    }

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>The exact percentiles (nearest rank) of what was recorded, in microseconds.</summary>
    public double[] Percentiles(params double[] percentiles)
    {
        var sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        return [.. percentiles.Select(p => sorted.Length == 0
            ? 0
            : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)] * 1e6 / Stopwatch.Frequency)];
    }
}
