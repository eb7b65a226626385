using System.Text.RegularExpressions;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Load;

/// <summary>
/// A sweep's workload points are measured in passes as its load points are: each pass runs every point once (the
/// warm-ups only in the first), and a point's record is read from its runs across the passes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class SweepWorkloadPassesTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Workload_points_run_one_repeat_a_pass_and_keep_every_repeat_in_their_record()
    {
        SweepPoint[] points =
        [
            new(Models.Process, 1, null, new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 1, Work = 20_000 }),
            new(Models.Process, 2, null, new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 2, Work = 20_000 }),
        ];
        var catalog = await cluster.Client.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();
        using var log = new StringWriter();

        var measured = await ProgressReporter.RunAsync("sweep", quiet: false, p => new SweepRunner(cluster.Client, catalog, new Experiment(3, 1)).RunAsync(points, p, CancellationToken.None), log);

        Assert.True(measured.Failures.Count == 0, string.Join("; ", measured.Failures));
        var runs = log.ToString().Split('\n').Select(l => Step().Match(l)).Where(m => m.Success).Select(m => $"×{m.Groups["workers"].Value} {m.Groups["what"].Value} {m.Groups["n"].Value}").ToList();
        Assert.Equal(["×1 warm-up 1", "×1 repeat 1", "×2 warm-up 1", "×2 repeat 1", "×1 repeat 2", "×2 repeat 2", "×1 repeat 3", "×2 repeat 3"], runs);
        Assert.Equal(2, measured.Results.Count);
        Assert.All(measured.Results, r =>
        {
            Assert.Equal(3, r.Repeats);
            Assert.Equal(3, r.WallSecondsRepeats?.Count);
            Assert.Equal(3, r.ThroughputRepeats?.Count);
            Assert.Contains(r.ThroughputRepeats!, t => t == r.Throughput);
            Assert.True(r.Correct, $"×{r.Workers}: expected {r.Expected}, got {r.Actual}");
        });
    }

    /// <summary>A measured run's progress line: "processmesh: [n] process cpu ×2: repeat 1/3 (...)".</summary>
    [GeneratedRegex(@"^processmesh: \[\d+\] process cpu ×(?<workers>\d+): (?<what>warm-up|repeat) (?<n>\d+)/\d+ \(")]
    private static partial Regex Step();
}
