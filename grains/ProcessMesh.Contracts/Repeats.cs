namespace ProcessMesh.Contracts;

/// <summary>
/// The one policy for summarising repeated measurements (runs, load drives, sweep points): the median by
/// throughput, with the slowest and fastest beside it. By throughput rather than wall time so that it means the
/// same for a run of fixed work (where it orders like wall time, reversed) and a drive of fixed duration.
/// </summary>
public static class Repeats
{
    /// <summary>The median of <paramref name="repeats"/> by <paramref name="throughput"/>, and the slowest and fastest.</summary>
    public static (T Median, T Slowest, T Fastest) Median<T>(IReadOnlyList<T> repeats, Func<T, double> throughput)
    {
        if (repeats.Count == 0)
        {
            throw new ArgumentException("no repeats to summarise", nameof(repeats));
        }

        var sorted = repeats.OrderBy(throughput).ToList();
        return (sorted[sorted.Count / 2], sorted[0], sorted[^1]);
    }
}
