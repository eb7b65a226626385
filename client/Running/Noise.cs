using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// A figure measured <see cref="Count"/> times: the median and the range of the repeats, and, when they are known,
/// the repeats themselves (<see cref="Values"/>, sorted), from which the noise rule reads the figure's band
/// (<see cref="Low"/> to <see cref="High"/>).
/// </summary>
internal readonly record struct Sample(double Median, double Min, double Max, int Count)
{
    /// <summary>Every repeat, sorted; null when only the median and range were recorded (a ratio, an older record).</summary>
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>The median and range of <paramref name="values"/>, which it keeps.</summary>
    public static Sample Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("a sample needs at least one value", nameof(values));
        }

        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new Sample(median, sorted[0], sorted[^1], sorted.Length) { Values = sorted };
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

    /// <summary>A run's wall time: the median repeat, the fastest and slowest, and every repeat when the record kept them.</summary>
    public static Sample Wall(RunResult r)
    {
        var range = new Sample(r.WallSeconds, Math.Min(r.WallSecondsMin, r.WallSeconds), Math.Max(r.WallSecondsMax, r.WallSeconds), r.Repeats);
        return r.WallSecondsRepeats is { Count: > 1 } repeats && repeats.Count == r.Repeats ? range with { Values = [.. repeats.Order()] } : range;
    }

    /// <summary>
    /// A run's throughput: a load record's slowest and fastest drive (every one, when a sweep kept them), or for a
    /// workload run the work over each repeat's wall time (over the slowest and the fastest when only those were kept).
    /// </summary>
    public static Sample Throughput(RunResult r)
    {
        if (r.ThroughputMin is { } lo && r.ThroughputMax is { } hi)
        {
            var drives = new Sample(r.Throughput, Math.Min(lo, r.Throughput), Math.Max(hi, r.Throughput), r.Repeats);
            return r.ThroughputRepeats is { Count: > 1 } passes && passes.Count == r.Repeats ? drives with { Values = [.. passes.Order()] } : drives;
        }

        if (r.Grains is not null || r.WallSecondsMin <= 0 || r.WallSecondsMax <= 0)
        {
            return Single(r.Throughput);
        }

        var range = new Sample(r.Throughput, r.Work / r.WallSecondsMax, r.Work / r.WallSecondsMin, r.Repeats);
        return r.WallSecondsRepeats is { Count: > 1 } repeats && repeats.Count == r.Repeats && repeats.All(w => w > 0)
            ? range with { Values = [.. repeats.Select(w => r.Work / w).Order()] }
            : range;
    }

    /// <summary>Half the band: how far the noise reaches either side.</summary>
    public double HalfRange => (High - Low) / 2;

    /// <summary>Whether the repeats tell anything about the spread (at least two of them).</summary>
    public bool HasSpread => Count > 1;

    /// <summary>The repeats set aside at each end before the band is read (<see cref="Noise.SetAside"/>): none when the repeats were not kept.</summary>
    public int SetAside => Values is { Count: var n } ? Noise.SetAside(n) : 0;

    /// <summary>The low end of the band the noise rule judges by: the lowest repeat once the <see cref="SetAside"/> lowest are set aside.</summary>
    public double Low => Values is { } v && SetAside is > 0 and var k ? v[k] : Min;

    /// <summary>The high end of the band: the highest repeat once the <see cref="SetAside"/> highest are set aside.</summary>
    public double High => Values is { } v && SetAside is > 0 and var k ? v[v.Count - 1 - k] : Max;

    /// <summary>This sample times a constant.</summary>
    public Sample Scale(double factor)
    {
        IReadOnlyList<double>? values = Values is { } v ? [.. v.Select(x => x * factor).Order()] : null;
        return factor >= 0
            ? new Sample(Median * factor, Min * factor, Max * factor, Count) { Values = values }
            : new Sample(Median * factor, Max * factor, Min * factor, Count) { Values = values };
    }
}

/// <summary>What the noise rule says about a difference between two figures (the one verdict type of costs and changes).</summary>
internal enum Difference
{
    /// <summary>The bands of the two figures do not overlap (see <see cref="Noise"/>).</summary>
    BeyondNoise,

    /// <summary>The bands overlap (or touch): the difference is no larger than what repeating the run moves.</summary>
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
/// The one noise rule of ProcessMesh, and every verdict read from it. Each figure has a <em>band</em>: the range of
/// its repeats once the <see cref="SetAside"/> most extreme at each end are set aside, which is the
/// distribution-free confidence interval of its median at <see cref="Coverage"/> or more (from 7 repeats one is set
/// aside at each end, so one outlier, however far out, neither widens the band nor moves it; from 10, two). A figure
/// whose repeats were not kept (a ratio, an older record) has its range for a band. Two figures differ beyond noise
/// when their bands do not overlap; bands that touch overlap. A ratio's band runs from the low end of one band over
/// the high end of the other to the high over the low. A claimed bound (a speedup of at least 1.3) is a figure with
/// no spread of its own. How often two figures that do not differ are separated by chance is measured in
/// docs/scenarios.md: the rule is a screen against reading run-to-run wobble as a change, not a significance test.
/// Tables, JSON, scenario verdicts and <c>report --baseline</c> all read it here.
/// </summary>
internal static class Noise
{
    /// <summary>The least probability with which a band must cover its figure's median (the rule sets aside no more than this allows).</summary>
    public const double Coverage = 0.85;

    /// <summary>
    /// How many of <paramref name="repeats"/> repeats are set aside at each end before a band is read: the most, k,
    /// for which the (k+1)-th lowest to the (k+1)-th highest repeat still covers the median with probability
    /// <see cref="Coverage"/> or more, whatever the distribution: 1 − 2·P(Binomial(n, ½) ≤ k). None up to 6 repeats,
    /// 1 from 7 to 9, 2 at 10 and 11, 3 at 12 and 13.
    /// </summary>
    public static int SetAside(int repeats)
    {
        var k = 0;
        var term = Math.Pow(0.5, repeats); // P(Binomial(n, 1/2) = k)
        var atMost = term;                 // P(Binomial(n, 1/2) <= k)
        while (2 * (k + 1) < repeats)
        {
            term *= (double)(repeats - k) / (k + 1);
            if (1 - (2 * (atMost + term)) < Coverage)
            {
                break;
            }

            atMost += term;
            k++;
        }

        return k;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> differ beyond their spread.</summary>
    public static Difference Compare(Sample a, Sample b) =>
        !a.HasSpread || !b.HasSpread || double.IsNaN(a.Median) || double.IsNaN(b.Median) ? Difference.NoSpread
        : a.Low > b.High || b.Low > a.High ? Difference.BeyondNoise
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
    /// with the band from the low end of <paramref name="a"/>'s band over the high end of <paramref name="b"/>'s to
    /// the high over the low.
    /// </summary>
    public static Sample Ratio(Sample a, Sample b) =>
        b.Low <= 0 || b.High <= 0
            ? new Sample(double.NaN, double.NaN, double.NaN, 0)
            : new Sample(a.Median / b.Median, a.Low / b.High, a.High / b.Low, Math.Min(a.Count, b.Count));

    /// <summary>
    /// The ratio <paramref name="a"/>/<paramref name="b"/> of two figures timed in pairs (repeat i of each ran back
    /// to back, as the CPython reference's rounds do): the sample of the per-pair ratios, read by the rule like any
    /// figure's repeats. A change in the machine's load that lands on both runs of a pair cancels in their ratio,
    /// where <see cref="Ratio"/> would set the slowest of one against the fastest of the other; and from 7 pairs
    /// the most extreme pair at each end is set aside, so one bad pair neither widens the band nor moves it.
    /// Refused when the figures were not repeated alike.
    /// </summary>
    public static Sample PairedRatio(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        a.Count == b.Count && a.Count > 0
            ? b.All(v => v > 0) ? Sample.Of(a.Zip(b, (x, y) => x / y)) : new Sample(double.NaN, double.NaN, double.NaN, 0)
            : throw new ArgumentException($"paired figures need as many repeats each ({a.Count} and {b.Count})", nameof(b));

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
