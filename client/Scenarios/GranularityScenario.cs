using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// granularity: the same CPU-bound work by 2 processes and by 2 threads, as the work per message grows; the
/// crossover is the smallest granularity at which process time is no longer above thread time beyond noise.
/// </summary>
internal sealed class GranularityScenario : IScenario
{
    private const long Work = 60_000;

    private static readonly long[] _granularities = [1, 10, 100, 1_000, 10_000];

    /// <summary>A crossover whose median ratio is above this is within noise only by its spread: too wide to call.</summary>
    public const double WideAbove = 1.25;

    public string Name => "granularity";

    public string Claim => "As the work per message grows, processes catch up with threads: there is a crossover granularity.";

    public int Order => 8;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var workers = Math.Max(2, Math.Min(context.Machine.Cores, 4));
        var runs = new List<RunResult>();
        var ratios = new List<(long Granularity, Sample Ratio)>();
        var points = new List<(long Granularity, Sample Process, Sample Thread)>();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var g in _granularities)
        {
            var spec = new RunSpec { Workload = Workload.Cpu, Workers = workers, Work = Work, Granularity = g };
            var pair = await context.MeasureAllAsync([spec with { Model = Models.Thread }, spec with { Model = Models.Process }], cancellationToken);
            var (thread, process) = (pair[0], pair[1]);
            runs.AddRange([thread, process]);
            var ratio = Noise.Ratio(Sample.Wall(process), Sample.Wall(thread));
            ratios.Add((g, ratio));
            points.Add((g, Sample.Wall(process), Sample.Wall(thread)));
            rows.Add([Cells.Count(g), Cells.Count(process.Messages), Cells.Seconds(Sample.Wall(thread)), Cells.Seconds(Sample.Wall(process)), Cells.Ratio(ratio)]);
        }

        var (verdict, reason) = Judge(points);
        var notes = new List<string>
        {
            context.Machine.Silos > 1
                ? $"{context.Machine.Silos} silos: the process workers may be placed on any of them; threads stay on the coordinator's silo"
                : "one silo: processes can only catch up with threads here; where they overtake them needs several silos (see scale-out)",
        };
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence($"cpu work, {Work:N0} units, {workers} workers", ["units/message", "process msgs", "thread s (range)", "process s (range)", "process/thread (range)"], rows),
            runs, notes,
            Chart: new ScenarioChart("granularity", "process time over thread time against work per message", "work units per message (log scale)", "process s / thread s",
                [new ChartSeries("process / thread", ratios.Select(r => (double)r.Granularity).ToList(), ratios.Select(r => r.Ratio.Median).ToList()),
                 new ChartSeries("level (1×)", ratios.Select(r => (double)r.Granularity).ToList(), ratios.Select(_ => 1.0).ToList())], LogX: true));
    }

    /// <summary>
    /// The claim on measured wall times by granularity, finest first, judged by the noise rule: processes are
    /// slower beyond noise at the finest granularity, and the crossover is the first granularity at which they no
    /// longer are (their time is within the noise of the threads', or below it).
    /// </summary>
    public static (Verdict Verdict, string Reason) Judge(IReadOnlyList<(long Granularity, Sample Process, Sample Thread)> points)
    {
        var finest = points[0];
        var behind = Noise.Larger(finest.Process, finest.Thread);
        var crossover = points.Skip(1).FirstOrDefault(p => !SlowerBeyondNoise(p.Process, p.Thread));
        var start = $"at {finest.Granularity:N0} unit per message processes take {Cells.Times(finest.Process.Median / finest.Thread.Median)} thread time " +
                    $"({(behind == Verdict.Holds ? "slower beyond noise" : "not beyond noise")})";
        if (behind != Verdict.Holds)
        {
            return (behind, $"{start}: no cost for a crossover to catch up");
        }

        if (crossover.Granularity > 0 && crossover.Process.Median / crossover.Thread.Median > WideAbove)
        {
            return (Verdict.Inconclusive, $"{start}; at {crossover.Granularity:N0} units per message process time ({Cells.Times(crossover.Process.Median / crossover.Thread.Median)} " +
                                          "thread time) is within the noise of thread time only because the spread is too wide to call it caught up");
        }

        if (crossover.Granularity > 0)
        {
            return (Verdict.Holds, $"{start}; crossover at {crossover.Granularity:N0} units per message, where process time " +
                                   $"({Cells.Times(crossover.Process.Median / crossover.Thread.Median)} thread time) is no longer beyond the noise of thread time");
        }

        var last = points[^1];
        return (Verdict.DoesNotHold, $"{start}; no crossover: still slower beyond noise at {last.Granularity:N0} units per message ({Cells.Times(last.Process.Median / last.Thread.Median)})");
    }

    private static bool SlowerBeyondNoise(Sample process, Sample thread) =>
        Noise.Larger(process, thread) == Verdict.Holds;
}
