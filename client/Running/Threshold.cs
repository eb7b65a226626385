using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// A pass/fail criterion on a figure a load test reports, as k6 writes them: <c>p99&lt;50ms</c>,
/// <c>errors&lt;0.1%</c>, <c>throughput&gt;10000</c>. Latencies (<c>p50</c>, <c>p90</c>, <c>p99</c>, <c>p999</c>,
/// <c>max</c>) take a unit (<c>us</c>, <c>ms</c>, <c>s</c>; none is microseconds, as the records); <c>errors</c> and
/// <c>timeouts</c> are a count, or with <c>%</c> a share of the calls; <c>throughput</c> is per second. A sweep
/// passes a threshold only when every point does.
/// </summary>
internal sealed partial record Threshold(string Text, string Figure, string Operator, double Limit, bool Percent)
{
    private static readonly string[] _latencies = ["p50", "p90", "p99", "p999", "max"];

    /// <summary>The figures a threshold can name.</summary>
    public static IReadOnlyList<string> Figures { get; } = [.. _latencies, "errors", "timeouts", "throughput"];

    /// <summary>--threshold, repeatable or comma-separated; a bad expression is one line naming the option.</summary>
    public static Option<Threshold[]> Option() => new("--threshold")
    {
        Description = "Fail (exit 1) when a figure crosses a limit, as k6 thresholds: p99<50ms, errors<0.1%, throughput>10000. Repeat it or separate with commas.",
        HelpName = "EXPR",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = r => [.. Commands.OptionParsing.Items(r, "--threshold").Select(text => Parse(text, out var problem) ?? Refuse(r, problem!)).OfType<Threshold>()],
    };

    /// <summary>The threshold <paramref name="text"/> writes, or null with the <paramref name="problem"/>.</summary>
    public static Threshold? Parse(string text, out string? problem)
    {
        problem = null;
        var m = Expression().Match(text.Trim());
        var figure = m.Success ? m.Groups["figure"].Value.ToLowerInvariant() : "";
        if (!m.Success || !Figures.Contains(figure))
        {
            problem = $"--threshold: '{text}' is not a threshold (write FIGURE<LIMIT or FIGURE>LIMIT with a figure of {string.Join(", ", Figures)}: p99<50ms, errors<0.1%, throughput>10000)";
            return null;
        }

        var limit = double.Parse(m.Groups["limit"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value.ToLowerInvariant();
        var isLatency = _latencies.Contains(figure);
        double? scale = unit switch
        {
            "" => 1,
            "us" or "µs" when isLatency => 1,
            "ms" when isLatency => 1_000,
            "s" when isLatency => 1_000_000,
            "%" when figure is "errors" or "timeouts" => 1,
            _ => null,
        };
        if (scale is null)
        {
            problem = $"--threshold: '{text}': {figure} takes {(isLatency ? "us, ms or s" : figure == "throughput" ? "no unit (per second)" : "a count or a %")}, not '{unit}'";
            return null;
        }

        return new Threshold(text.Trim(), figure, m.Groups["op"].Value, limit * scale.Value, unit == "%");
    }

    /// <summary>The figure this threshold reads, in its own terms (microseconds, a count, a percentage, per second).</summary>
    public double Read(RunResult r) => Figure switch
    {
        "p50" => r.Latency.P50,
        "p90" => r.Latency.P90,
        "p99" => r.Latency.P99,
        "p999" => r.Latency.P999,
        "max" => r.Latency.Max,
        "throughput" => r.Throughput,
        "errors" => Share(r.Errors ?? 0, r),
        _ => Share(r.Timeouts ?? 0, r),
    };

    /// <summary>Whether <paramref name="r"/> stays within the threshold.</summary>
    public bool Holds(RunResult r)
    {
        var value = Read(r);
        return Operator switch
        {
            "<" => value < Limit,
            "<=" => value <= Limit,
            ">" => value > Limit,
            _ => value >= Limit,
        };
    }

    /// <summary>
    /// One line for each threshold that a run of <paramref name="runs"/> breaches, naming it, the figure and the
    /// point; empty when all hold. A threshold with no run to judge is breached (nothing was shown to hold).
    /// </summary>
    public static IReadOnlyList<string> Breaches(IReadOnlyList<Threshold> thresholds, IReadOnlyList<RunResult> runs) =>
        [.. thresholds.Select(t =>
        {
            if (runs.Count == 0)
            {
                return $"threshold {t.Text} breached: no run finished to judge it by";
            }

            var breaching = runs.Where(r => !t.Holds(r)).ToList();
            if (breaching.Count == 0)
            {
                return null;
            }

            var worst = t.Operator.StartsWith('<') ? breaching.MaxBy(t.Read)! : breaching.MinBy(t.Read)!;
            var where = $"{worst.Model} {(worst.Grains is { } g ? $"{g:N0} grains" : worst.Workload)}, {worst.Workers:N0} {(worst.Workers == 1 ? "worker" : "workers")}";
            return $"threshold {t.Text} breached: {t.Figure} was {t.Format(t.Read(worst))} ({where}{(breaching.Count > 1 ? $"; {breaching.Count} of {runs.Count} points breach it" : "")})";
        }).OfType<string>()];

    private string Format(double value) => Figure switch
    {
        "throughput" => $"{value.ToString("N0", CultureInfo.InvariantCulture)}/s",
        "errors" or "timeouts" when Percent => $"{value.ToString("0.###", CultureInfo.InvariantCulture)}%",
        "errors" or "timeouts" => value.ToString("N0", CultureInfo.InvariantCulture),
        _ => value >= 1_000 ? $"{(value / 1_000).ToString("0.##", CultureInfo.InvariantCulture)} ms" : $"{value.ToString("0.#", CultureInfo.InvariantCulture)} µs",
    };

    private double Share(long count, RunResult r) => !Percent ? count : r.Calls is > 0 and var calls ? 100.0 * count / calls : 0;

    private static Threshold? Refuse(ArgumentResult r, string problem)
    {
        r.AddError(problem);
        return null;
    }

    [GeneratedRegex(@"^(?<figure>[A-Za-z0-9]+)\s*(?<op><=|>=|<|>)\s*(?<limit>\d+(\.\d+)?)\s*(?<unit>us|µs|ms|s|%)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Expression();
}
