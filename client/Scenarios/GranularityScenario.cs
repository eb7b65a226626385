using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// granularity: the same CPU-bound work by 2 processes and by 2 threads, as the work per message grows; the
/// crossover is the smallest granularity at which process time is within <see cref="CaughtUp"/> of thread time.
/// </summary>
internal sealed class GranularityScenario : IScenario
{
    private const long Work = 100_000;

    private static readonly long[] _granularities = [1, 10, 100, 1_000, 10_000];

    /// <summary>Process time at most this multiple of thread time counts as caught up.</summary>
    public const double CaughtUp = 1.1;

    /// <summary>At the finest granularity, process time at least this multiple of thread time shows the cost being caught up.</summary>
    public const double Behind = 1.5;

    public string Name => "granularity";

    public string Claim => "As the work per message grows, processes catch up with threads: there is a crossover granularity.";

    public int Order => 8;

    public int Steps(int repeats) => _granularities.Length * 2 * ScenarioContext.StepsPerSpec(repeats);

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var workers = Math.Max(2, Math.Min(context.Machine.Cores, 4));
        var runs = new List<RunResult>();
        var ratios = new List<(long Granularity, Sample Ratio)>();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var g in _granularities)
        {
            var spec = new RunSpec { Workload = Workload.Cpu, Workers = workers, Work = Work, Granularity = g };
            var thread = await context.MeasureAsync(spec with { Model = Models.Thread }, cancellationToken);
            var process = await context.MeasureAsync(spec with { Model = Models.Process }, cancellationToken);
            runs.AddRange([thread, process]);
            var ratio = Noise.Ratio(Sample.Wall(process), Sample.Wall(thread));
            ratios.Add((g, ratio));
            rows.Add([Cells.Count(g), Cells.Count(process.Messages), Cells.Seconds(Sample.Wall(thread)), Cells.Seconds(Sample.Wall(process)), Cells.Ratio(ratio)]);
        }

        var (verdict, reason) = Judge(ratios);
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
                 new ChartSeries($"caught up ({CaughtUp}×)", ratios.Select(r => (double)r.Granularity).ToList(), ratios.Select(_ => CaughtUp).ToList())], LogX: true));
    }

    /// <summary>
    /// The claim on measured ratios (process time over thread time, by granularity, finest first): processes
    /// are well behind at the finest granularity and caught up at some coarser one, which is the crossover.
    /// </summary>
    public static (Verdict Verdict, string Reason) Judge(IReadOnlyList<(long Granularity, Sample Ratio)> ratios)
    {
        var finest = ratios[0];
        var crossover = ratios.FirstOrDefault(r => Verdicts.AtMost(r.Ratio, CaughtUp) == Verdict.Holds);
        var behind = Verdicts.AtLeast(finest.Ratio, Behind);
        var coarsest = Verdicts.AtMost(ratios[^1].Ratio, CaughtUp);
        var verdict = crossover.Granularity > 0 ? Verdicts.All(behind, Verdict.Holds) : Verdicts.All(behind, coarsest);
        var where = crossover.Granularity > 0
            ? $"crossover at {crossover.Granularity:N0} units per message (process {Cells.Times(crossover.Ratio.Median)} thread time)"
            : $"no crossover up to {ratios[^1].Granularity:N0} units per message (process {Cells.Times(ratios[^1].Ratio.Median)} thread time)";
        return (verdict, $"at {finest.Granularity:N0} unit per message processes take {Cells.Times(finest.Ratio.Median)} thread time (claim: ≥ {Behind}×); {where} (claim: ≤ {CaughtUp}×)");
    }
}
