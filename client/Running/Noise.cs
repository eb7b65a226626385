using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>A figure measured <see cref="Count"/> times: the median and the range of the repeats.</summary>
internal readonly record struct Sample(double Median, double Min, double Max, int Count)
{
    /// <summary>The median and range of <paramref name="values"/>.</summary>
    public static Sample Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("a sample needs at least one value", nameof(values));
        }

        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new Sample(median, sorted[0], sorted[^1], sorted.Length);
    }

    /// <summary>One value with no known spread.</summary>
    public static Sample Single(double value) => new(value, value, value, 1);

    /// <summary>A run's wall time: the median repeat and the fastest and slowest.</summary>
    public static Sample Wall(RunResult r) => new(r.WallSeconds, Math.Min(r.WallSecondsMin, r.WallSeconds), Math.Max(r.WallSecondsMax, r.WallSeconds), r.Repeats);

    /// <summary>
    /// A run's throughput: a load record's slowest and fastest drive, or for a workload run the work over
    /// the slowest and the fastest repeat's wall time.
    /// </summary>
    public static Sample Throughput(RunResult r)
    {
        if (r.ThroughputMin is { } lo && r.ThroughputMax is { } hi)
        {
            return new Sample(r.Throughput, Math.Min(lo, r.Throughput), Math.Max(hi, r.Throughput), r.Repeats);
        }

        return r.Grains is null && r.WallSecondsMin > 0 && r.WallSecondsMax > 0
            ? new Sample(r.Throughput, r.Work / r.WallSecondsMax, r.Work / r.WallSecondsMin, r.Repeats)
            : Single(r.Throughput);
    }

    /// <summary>Whether the repeats tell anything about the spread (at least two of them).</summary>
    public bool HasSpread => Count > 1;

    /// <summary>This sample times a constant.</summary>
    public Sample Scale(double factor) => factor >= 0
        ? new Sample(Median * factor, Min * factor, Max * factor, Count)
        : new Sample(Median * factor, Max * factor, Min * factor, Count);
}

/// <summary>Whether a difference between two figures is larger than their run-to-run spread.</summary>
internal enum Difference
{
    /// <summary>Every repeat of one figure lies beyond every repeat of the other: the ranges do not overlap.</summary>
    BeyondNoise,

    /// <summary>The ranges of the repeats overlap: the difference is no larger than what repeating the run moves.</summary>
    WithinNoise,

    /// <summary>One of the figures was measured once (or its spread was not recorded): nothing to judge it by.</summary>
    NoSpread,
}

/// <summary>
/// The one noise rule of ProcessMesh. Two figures differ beyond noise when the ranges of their repeats do not
/// overlap: every repeat of one is above (or below) every repeat of the other. With three repeats each, two
/// figures that do not differ are that cleanly separated by chance in 2 of 20 orderings; so the rule is a
/// screen against reading run-to-run wobble as a change, not a significance test. Scenario verdicts and
/// <c>report --baseline</c> both use it.
/// </summary>
internal static class Noise
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> differ beyond their spread.</summary>
    public static Difference Compare(Sample a, Sample b)
    {
        if (!a.HasSpread || !b.HasSpread)
        {
            return Difference.NoSpread;
        }

        return a.Min > b.Max || b.Min > a.Max ? Difference.BeyondNoise : Difference.WithinNoise;
    }

    /// <summary>
    /// The ratio <paramref name="a"/>/<paramref name="b"/> of two positive figures: the ratio of their medians,
    /// and the lowest and highest ratio any pair of their repeats gives.
    /// </summary>
    public static Sample Ratio(Sample a, Sample b) =>
        b.Min <= 0 || b.Max <= 0
            ? new Sample(double.NaN, double.NaN, double.NaN, 0)
            : new Sample(a.Median / b.Median, a.Min / b.Max, a.Max / b.Min, Math.Min(a.Count, b.Count));

    /// <summary>How a difference is written in tables.</summary>
    public static string Describe(Difference difference) => difference switch
    {
        Difference.BeyondNoise => "beyond noise",
        Difference.WithinNoise => "within noise",
        _ => "no spread",
    };
}
