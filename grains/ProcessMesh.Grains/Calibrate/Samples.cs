using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// The rule for figures the calibration samples at moments spread over its run (since format 7 the .NET crowd, since
/// format 8 each kind's quiet pair at 8 B over its first IPC): where the samples go, and that each figure is the median
/// of the samples' own, so a spell of a few seconds in which this VM ran messages slow (or fast) decides no figure.
/// </summary>
internal static class Samples
{
    /// <summary>
    /// Where <paramref name="count"/> samples of a figure are taken: from three on, one before anything else; from two
    /// on, one at the end, after everything else; the rest at the measured kind's place.
    /// </summary>
    public static (int AtStart, int AtPlace, int AtEnd) Spread(int count)
    {
        var (atStart, atEnd) = (count >= 3 ? 1 : 0, count >= 2 ? 1 : 0);
        return (atStart, Math.Max(0, count - atStart - atEnd), atEnd);
    }

    /// <summary>The median over <paramref name="samples"/> of one <paramref name="figure"/> of each (the mean of the two middle ones for an even count).</summary>
    public static double Median<T>(IReadOnlyList<T> samples, Func<T, double> figure) =>
        samples.Count > 0 ? Rounds.Median([.. samples.Select(figure)]) : throw new InvalidOperationException("no sample to take a median of");
}
