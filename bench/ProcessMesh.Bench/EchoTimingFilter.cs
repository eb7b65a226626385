using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Bench;

/// <summary>
/// An independent measure of load calls: an Orleans outgoing-call filter times every <see cref="ILoadGrain.Echo"/>
/// with its own clock reads and keeps the raw values (no histogram), to check the load driver's p99 against.
/// </summary>
public sealed class EchoTimingFilter : IOutgoingGrainCallFilter
{
    private readonly List<long> _ticks = [];

    /// <summary>Whether calls are being recorded.</summary>
    public bool Recording { get; set; }

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
        lock (_ticks)
        {
            _ticks.Add(elapsed);
        }
    }

    /// <summary>The exact percentile of what was recorded (nearest rank), in microseconds; clears the record.</summary>
    public (double P99, int Count) TakePercentile(double percentile)
    {
        lock (_ticks)
        {
            _ticks.Sort();
            var rank = (int)Math.Ceiling(percentile / 100 * _ticks.Count) - 1;
            var value = _ticks.Count == 0 ? 0 : _ticks[Math.Clamp(rank, 0, _ticks.Count - 1)] * 1e6 / Stopwatch.Frequency;
            var count = _ticks.Count;
            _ticks.Clear();
            return (value, count);
        }
    }
}
