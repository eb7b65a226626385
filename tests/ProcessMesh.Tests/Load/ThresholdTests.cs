using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Load;

/// <summary>k6-style thresholds on the figures a load test reports: how they read, where their edges are, what a breach says.</summary>
public sealed class ThresholdTests
{
    private static readonly RunResult _run = new()
    {
        Model = Models.Process, Workload = "load", Workers = 8, Grains = 1_000, Calls = 10_000, Errors = 10, Timeouts = 0,
        Throughput = 12_000, Latency = new LatencySummary { P50 = 900, P99 = 50_000, Max = 80_000 },
    };

    [Theory]
    [InlineData("p99<50ms", false)] // exactly at the limit is not under it
    [InlineData("p99<=50ms", true)]
    [InlineData("p99<50001us", true)]
    [InlineData("p99<0.05s", false)]
    [InlineData("max<1s", true)]
    [InlineData("errors<0.1%", false)] // 10 of 10,000 calls is 0.1 %
    [InlineData("errors<0.2%", true)]
    [InlineData("errors<=10", true)]
    [InlineData("timeouts<1", true)]
    [InlineData("throughput>10000", true)]
    [InlineData("throughput>12000", false)]
    public void A_threshold_holds_only_on_its_side_of_the_limit(string text, bool holds)
    {
        var threshold = Threshold.Parse(text, out var problem);

        Assert.Null(problem);
        Assert.Equal(holds, threshold!.Holds(_run));
    }

    [Theory]
    [InlineData("p99 50ms")]
    [InlineData("p98<50ms")]
    [InlineData("p99<50%")]
    [InlineData("throughput>10ms")]
    [InlineData("errors<")]
    public void A_bad_expression_is_one_line_naming_the_option(string text)
    {
        Assert.Null(Threshold.Parse(text, out var problem));
        Assert.StartsWith("--threshold: ", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
        var errors = ProcessMesh.Cli.Cli.Build().Parse(["load", "--threshold", text]).Errors;
        Assert.StartsWith("--threshold: ", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_breach_names_the_threshold_the_figure_and_the_point()
    {
        var thresholds = new[] { "p99<20ms", "errors<1%" }.Select(t => Threshold.Parse(t, out _)!).ToList();
        var smaller = _run with { Grains = 10, Latency = new LatencySummary { P99 = 30_000 } };

        var breach = Assert.Single(Threshold.Breaches(thresholds, [smaller, _run]));

        Assert.Equal("threshold p99<20ms breached: p99 was 50 ms (process 1,000 grains, 8 workers; 2 of 2 points breach it)", breach);
        Assert.Empty(Threshold.Breaches(thresholds[1..], [_run]));
    }
}
