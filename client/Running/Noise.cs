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

    /// <summary>A claimed bound: exact, so it has no spread to widen and never lacks one.</summary>
    public static Sample Bound(double value) => new(value, value, value, int.MaxValue);

    /// <summary>
    /// A figure of <paramref name="repeats"/> repeats with its median and, when they were recorded, its smallest
    /// and largest repeat (else no spread).
    /// </summary>
    public static Sample Of(double median, double? min, double? max, int repeats) =>
        min is { } lo && max is { } hi ? new(median, Math.Min(lo, median), Math.Max(hi, median), repeats) : Single(median);

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

    /// <summary>Half the range of the repeats: how far the noise reaches either side.</summary>
    public double HalfRange => (Max - Min) / 2;

    /// <summary>Whether the repeats tell anything about the spread (at least two of them).</summary>
    public bool HasSpread => Count > 1;

    /// <summary>This sample times a constant.</summary>
    public Sample Scale(double factor) => factor >= 0
        ? new Sample(Median * factor, Min * factor, Max * factor, Count)
        : new Sample(Median * factor, Max * factor, Min * factor, Count);
}

/// <summary>What the noise rule says about a difference between two figures (the one verdict type of costs and changes).</summary>
internal enum Difference
{
    /// <summary>Every repeat of one figure lies beyond every repeat of the other: the ranges do not overlap.</summary>
    BeyondNoise,

    /// <summary>The ranges of the repeats overlap (or touch): the difference is no larger than what repeating the run moves.</summary>
    WithinNoise,

    /// <summary>
    /// A cost that came out negative beyond noise: the figure that carries the cost is below the one without it,
    /// which the measure cannot resolve (a process that costs less memory than a thread does not).
    /// </summary>
    BelowResolution,

    /// <summary>One of the figures was measured once (or its spread was not recorded): nothing to judge it by.</summary>
    NoSpread,
}

/// <summary>Whether a scenario's measurements bear out its claim.</summary>
internal enum Verdict
{
    /// <summary>The figures bear the claim out beyond their spread.</summary>
    Holds,

    /// <summary>The figures contradict the claim beyond their spread.</summary>
    DoesNotHold,

    /// <summary>The spread over repeats is too wide to tell (or the experiment could not be made here).</summary>
    Inconclusive,
}

/// <summary>
/// The one noise rule of ProcessMesh, and every verdict read from it. Two figures differ beyond noise when the
/// ranges of their repeats do not overlap: every repeat of one is above (or below) every repeat of the other;
/// ranges that touch overlap. A claimed bound (a speedup of at least 1.3) is a figure with no spread of its own.
/// With three repeats each, two figures that do not differ are that cleanly separated by chance in 2 of 20
/// orderings; so the rule is a screen against reading run-to-run wobble as a change, not a significance test.
/// Tables, JSON, scenario verdicts and <c>report --baseline</c> all read it here.
/// </summary>
internal static class Noise
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> differ beyond their spread.</summary>
    public static Difference Compare(Sample a, Sample b) =>
        !a.HasSpread || !b.HasSpread || double.IsNaN(a.Median) || double.IsNaN(b.Median) ? Difference.NoSpread
        : a.Min > b.Max || b.Min > a.Max ? Difference.BeyondNoise
        : Difference.WithinNoise;

    /// <summary>
    /// The cost <paramref name="with"/> carries over <paramref name="without"/> (a process's memory over a thread's):
    /// beyond noise, within it, below resolution (negative beyond noise), or of unknown noise.
    /// </summary>
    public static Difference Cost(Sample with, Sample without) => Compare(with, without) switch
    {
        Difference.BeyondNoise when with.Median < without.Median => Difference.BelowResolution,
        var d => d,
    };

    /// <summary>The claim "<paramref name="larger"/> is larger than <paramref name="smaller"/>", beyond noise.</summary>
    public static Verdict Larger(Sample larger, Sample smaller) => Compare(larger, smaller) switch
    {
        Difference.BeyondNoise => larger.Median > smaller.Median ? Verdict.Holds : Verdict.DoesNotHold,
        _ => Verdict.Inconclusive,
    };

    /// <summary>The claim "<paramref name="ratio"/> is at least <paramref name="bound"/>".</summary>
    public static Verdict AtLeast(Sample ratio, double bound) => Larger(ratio, Sample.Bound(bound));

    /// <summary>The claim "<paramref name="ratio"/> is at most <paramref name="bound"/>".</summary>
    public static Verdict AtMost(Sample ratio, double bound) => Larger(Sample.Bound(bound), ratio);

    /// <summary>
    /// The ratio <paramref name="a"/>/<paramref name="b"/> of two positive figures: the ratio of their medians,
    /// and the lowest and highest ratio any pair of their repeats gives.
    /// </summary>
    public static Sample Ratio(Sample a, Sample b) =>
        b.Min <= 0 || b.Max <= 0
            ? new Sample(double.NaN, double.NaN, double.NaN, 0)
            : new Sample(a.Median / b.Median, a.Min / b.Max, a.Max / b.Min, Math.Min(a.Count, b.Count));

    /// <summary>How a difference is written in tables and JSON.</summary>
    public static string Describe(Difference difference) => difference switch
    {
        Difference.BeyondNoise => "beyond noise",
        Difference.WithinNoise => "within noise",
        Difference.BelowResolution => "below resolution",
        _ => "no spread",
    };

    /// <summary>How a verdict is written.</summary>
    public static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "holds",
        Verdict.DoesNotHold => "does not hold",
        _ => "inconclusive",
    };
}
