using ProcessMesh.Cli.Running;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// How a claim is judged from figures with a spread. A claim is a bound on a ratio (a speedup, a cost
/// multiple); the ratio is known only to within the range its repeats give (<see cref="Noise.Ratio"/>). When the
/// whole range is on the claim's side, the claim holds; when the whole range is on the other side, it does not
/// hold; when the bound falls inside the range, the spread is too wide for the claim: inconclusive. A figure
/// measured once has no known spread, so a claim on it is inconclusive.
/// </summary>
internal static class Verdicts
{
    /// <summary>The verdict as printed.</summary>
    public static string Text(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "holds",
        Verdict.DoesNotHold => "does not hold",
        _ => "inconclusive",
    };

    /// <summary>The claim "<paramref name="ratio"/> is at least <paramref name="bound"/>".</summary>
    public static Verdict AtLeast(Sample ratio, double bound) =>
        !ratio.HasSpread || double.IsNaN(ratio.Median) ? Verdict.Inconclusive
        : ratio.Min >= bound ? Verdict.Holds
        : ratio.Max < bound ? Verdict.DoesNotHold
        : Verdict.Inconclusive;

    /// <summary>The claim "<paramref name="ratio"/> is at most <paramref name="bound"/>".</summary>
    public static Verdict AtMost(Sample ratio, double bound) =>
        !ratio.HasSpread || double.IsNaN(ratio.Median) ? Verdict.Inconclusive
        : ratio.Max <= bound ? Verdict.Holds
        : ratio.Min > bound ? Verdict.DoesNotHold
        : Verdict.Inconclusive;

    /// <summary>The claim "<paramref name="larger"/> is larger than <paramref name="smaller"/>", beyond noise.</summary>
    public static Verdict Larger(Sample larger, Sample smaller) => Noise.Compare(larger, smaller) switch
    {
        Difference.BeyondNoise => larger.Median > smaller.Median ? Verdict.Holds : Verdict.DoesNotHold,
        Difference.WithinNoise => Verdict.Inconclusive,
        _ => Verdict.Inconclusive,
    };

    /// <summary>A claim made of parts: it holds when every part holds, and fails when any part fails.</summary>
    public static Verdict All(params Verdict[] parts) =>
        parts.Contains(Verdict.DoesNotHold) ? Verdict.DoesNotHold
        : parts.Contains(Verdict.Inconclusive) ? Verdict.Inconclusive
        : Verdict.Holds;

    /// <summary>Whether two verdicts on the same claim (the model's, the interpreter's) agree.</summary>
    public static string Agreement(Verdict model, Verdict interpreter) =>
        model == interpreter ? $"the model agrees with CPython on this machine (both: {Text(model)})"
        : model == Verdict.Inconclusive || interpreter == Verdict.Inconclusive ? $"the model ({Text(model)}) and CPython ({Text(interpreter)}) cannot be compared here: one is inconclusive"
        : $"the model ({Text(model)}) disagrees with CPython ({Text(interpreter)}) on this machine";
}
