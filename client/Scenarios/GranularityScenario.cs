using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// granularity: the same CPU-bound work by 2 processes and by 2 threads, as the work per message grows, for processes
/// as a grain, as emulated .NET and CPython processes, and as real .NET processes (<c>--model os</c>) beside them. The
/// crossover of each is the smallest granularity at which its time per unit of work matches the threads' (no longer
/// above <see cref="Level"/> times it beyond noise); a kind is not measured past its crossover.
/// </summary>
internal sealed class GranularityScenario : IScenario
{
    /// <summary>Messages per lane a run starts from (its work: this many times the granularity, at most <see cref="MaxWork"/>); sized up until no run is under 0.2 s.</summary>
    private const long Messages = 1_500;

    /// <summary>The most units a run starts from.</summary>
    private const long MaxWork = 600_000;

    /// <summary>What "real dotnet" is called in the figures: the os model.</summary>
    private const string Real = "os";

    private static readonly long[] _granularities = [1, 10, 100, 1_000, 10_000];

    /// <summary>Processes match threads when their time per unit is not beyond noise above this multiple of the threads'.</summary>
    public const double Level = 1.1;

    /// <summary>A band that reaches <see cref="Level"/> with a median above this is level only by its spread: too wide to call.</summary>
    public const double WideAbove = 1.25;

    public string Name => "granularity";

    public string Claim => "As the work per message grows, processes catch up with threads: there is a crossover granularity.";

    public int Order => 8;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var workers = Math.Max(2, Math.Min(context.Machine.Cores, 4));
        var profiles = AsProcess.Profiles(context);
        List<string> kinds = [.. profiles, Real];
        var open = new List<string>(kinds);
        var points = kinds.ToDictionary(k => k, _ => new List<Point>());
        var threads = new List<(long Granularity, Sample PerUnit)>();
        var runs = new List<RunResult>();
        foreach (var g in _granularities)
        {
            if (open.Count == 0)
            {
                break;
            }

            var spec = new RunSpec { Workload = Workload.Cpu, Workers = workers, Work = Math.Min(MaxWork, Messages * workers * g), Granularity = g };
            List<RunSpec> specs = [spec with { Model = Models.Thread }, .. open.Select(k => k == Real ? AsProcess.Real(spec) : AsProcess.Emulated(spec, k, held: false))];
            var measured = await context.MeasureAllAsync(specs, cancellationToken, Sizing.Each);
            runs.AddRange(measured);
            var thread = PerUnit(measured[0]);
            threads.Add((g, thread));
            foreach (var (kind, i) in open.Select((k, i) => (k, i)).ToList())
            {
                points[kind].Add(new Point(g, PerUnit(measured[i + 1]), thread));
                if (points[kind].Count == 1 ? Noise.Larger(points[kind][0].Process, thread) != Verdict.Holds : Matches(points[kind][^1]))
                {
                    open.Remove(kind); // no cost to catch up, or caught up: past here it tells nothing more
                }
            }
        }

        var judged = kinds.ToDictionary(k => k, k => Judge(points[k]));
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (g, thread) in threads)
        {
            rows.Add([Cells.Count(g), Cells.Number(thread), .. kinds.Select(k => points[k].FirstOrDefault(p => p.Granularity == g) is { Granularity: > 0 } p ? Cells.Ratio(p.Ratio) : "")]);
        }

        rows.Add(["crossover", "", .. kinds.Select(k => judged[k].Crossover is { } c ? Cells.Count(c) : "none")]);
        rows.Add(["verdict", "", .. kinds.Select(k => Noise.Describe(judged[k].Verdict))]);
        rows.Add(["emulated agrees with real", "", .. kinds.Select(k => k == Emulation.DotNet ? Agreement(judged[k], judged[Real]) : k == Emulation.Python ? Verdicts.Agrees(judged[k].Verdict, null) : "")]);

        var emulated = profiles.Where(p => p != Emulation.Grain).ToList();
        var verdict = emulated.Count == 0 ? Verdict.Inconclusive : Verdicts.All([.. emulated.Select(p => judged[p].Verdict)]);
        var reason = string.Join("; ", kinds.Select(k => $"{Who(k)}: {judged[k].Reason}"));
        var notes = new List<string>
        {
            $"time per unit of work, each run sized to last at least 0.2 s; a kind is not measured past its crossover; processes match threads when their time is not beyond noise above {Level}× the threads'",
            "no CPython processes measured for this claim here: the emulated python crossover stands on the calibration alone",
            context.Machine.Silos > 1
                ? $"{context.Machine.Silos} silos: the process workers may be placed on any of them; threads stay on the coordinator's silo"
                : "one silo: processes can only catch up with threads here; where they overtake them needs several silos (see scale-out)",
        };
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence($"cpu work, {workers} workers: thread µs per unit, and process time per unit over thread time (band of {context.Repeats} repeats)",
                ["units/message", "thread µs/unit", .. kinds.Select(k => $"{Who(k)} ×thread")], rows),
            runs, notes,
            Chart: new ScenarioChart("granularity", "process time over thread time against work per message", "work units per message (log scale)", "process time / thread time",
                [.. kinds.Select(k => new ChartSeries(Who(k), [.. points[k].Select(p => (double)p.Granularity)], [.. points[k].Select(p => p.Ratio.Median)])),
                 new ChartSeries("level (1×)", [.. threads.Select(t => (double)t.Granularity)], [.. threads.Select(_ => 1.0)])], LogX: true));
    }

    /// <summary>One granularity: the process and thread time per unit, and their ratio.</summary>
    public sealed record Point(long Granularity, Sample Process, Sample Thread)
    {
        /// <summary>Process time over thread time, with its band.</summary>
        public Sample Ratio => Noise.Ratio(Process, Thread);
    }

    /// <summary>What the claim says for one kind of process: its verdict, why, and its crossover when it has one.</summary>
    public sealed record Judgement(Verdict Verdict, string Reason, long? Crossover);

    /// <summary>
    /// The claim on one kind's time per unit by granularity, finest first, judged by the noise rule: processes are
    /// slower beyond noise at the finest granularity, and the crossover is the first granularity at which they match
    /// the threads (<see cref="Matches"/>). Without one, the claim does not hold when the last granularity is still
    /// beyond noise above <see cref="Level"/>, and is inconclusive when only the spread kept it from matching.
    /// </summary>
    public static Judgement Judge(IReadOnlyList<Point> points)
    {
        var finest = points[0];
        var behind = Noise.Larger(finest.Process, finest.Thread);
        var crossover = points.Skip(1).FirstOrDefault(Matches);
        var start = $"at {finest.Granularity:N0} unit per message {Cells.Times(finest.Ratio.Median)} thread time " +
                    $"({(behind == Verdict.Holds ? "slower beyond noise" : "not beyond noise")})";
        if (behind != Verdict.Holds)
        {
            return new(behind, $"{start}: no cost for a crossover to catch up", null);
        }

        if (crossover is not null)
        {
            return new(Verdict.Holds, $"{start}; crossover at {crossover.Granularity:N0} units per message ({Cells.Times(crossover.Ratio.Median)} thread time)", crossover.Granularity);
        }

        var last = points[^1];
        return Noise.AtLeast(last.Ratio, Level) == Verdict.Holds
            ? new(Verdict.DoesNotHold, $"{start}; no crossover: still above {Level}× beyond noise at {last.Granularity:N0} units per message ({Cells.Times(last.Ratio.Median)})", null)
            : new(Verdict.Inconclusive, $"{start}; at {last.Granularity:N0} units per message {Cells.Times(last.Ratio.Median)} thread time, " +
                                        $"within noise of {Level}× only because the spread is too wide to call it caught up", null);
    }

    /// <summary>
    /// Whether processes match threads at <paramref name="point"/>: their time is not beyond noise above
    /// <see cref="Level"/> times the threads', and its median is no more than <see cref="WideAbove"/> times it (a
    /// wider band is too wide to call level).
    /// </summary>
    public static bool Matches(Point point) => Noise.AtLeast(point.Ratio, Level) != Verdict.Holds && point.Ratio.Median <= WideAbove;

    private static string Agreement(Judgement emulated, Judgement real) =>
        Verdicts.Agrees(emulated.Verdict, real.Verdict) +
        (emulated.Crossover is { } e && real.Crossover is { } r ? e == r ? ", same crossover" : $", crossover {e:N0} against {r:N0}" : "");

    private static string Who(string kind) => kind == Real ? "real dotnet (os)" : AsProcess.Label(kind);

    /// <summary>A run's microseconds per unit of work, with the band of its repeats.</summary>
    private static Sample PerUnit(RunResult r) => Sample.Wall(r).Scale(1e6 / Math.Max(1, r.Work));
}
