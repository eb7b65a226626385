using System.Text.Json;
using System.Text.Json.Serialization;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>The evidence of a scenario: a small table, each cell already in its unit.</summary>
internal sealed record Evidence(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A line chart of a scenario: one series per label, x and y in the axes' units.</summary>
internal sealed record ScenarioChart(string Name, string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series, bool LogX = false, bool LogY = false);

/// <summary>One series of a <see cref="ScenarioChart"/>.</summary>
internal sealed record ChartSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// What a scenario found: the claim, its verdict with the reason in one sentence, the evidence, the run records
/// behind it, and, when CPython ran the same experiment, the interpreter's own figures.
/// </summary>
internal sealed record ScenarioResult(
    string Name,
    string Claim,
    [property: JsonIgnore] Verdict Verdict,
    string Reason,
    Evidence Evidence,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<string>? Notes = null,
    JsonElement? Reference = null,
    ScenarioChart? Chart = null,
    double Seconds = 0)
{
    /// <summary>The verdict as printed: <c>holds</c>, <c>does not hold</c>, <c>inconclusive</c>.</summary>
    [JsonPropertyName("verdict")]
    public string VerdictText => Noise.Describe(Verdict);
}
