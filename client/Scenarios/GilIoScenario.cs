using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>gil-io: blocking waits by 1 and by 8 threads under the interpreter lock, beside CPython's time.sleep.</summary>
internal sealed class GilIoScenario : IScenario
{
    /// <summary>Waits in all, of <see cref="WaitMs"/> each: a third of a second for one thread.</summary>
    private const long Waits = 160;

    private const double WaitMs = 2;

    private const int Threads = 8;

    /// <summary>"Scales": 8 threads at least half their ideal 8×.</summary>
    public const double Scales = Threads / 2.0;

    public string Name => "gil-io";

    public string Claim => "I/O-bound threads scale even under the interpreter lock, which is released while they wait.";

    public int Order => 4;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var spec = new RunSpec { Model = Models.Gil, Workload = Workload.Io, Work = Waits, IoMillis = WaitMs };
        var measured = await context.MeasureAllAsync([spec with { Workers = 1 }, spec with { Workers = Threads }], cancellationToken, Sizing.Together);
        var (one, many) = (measured[0], measured[1]);
        var speedup = Noise.Ratio(Sample.Wall(one), Sample.Wall(many));
        var rows = new List<IReadOnlyList<string>>
        {
            Row("model: gil", 1, Sample.Wall(one), null),
            Row("model: gil", Threads, Sample.Wall(many), speedup),
        };
        var model = Noise.AtLeast(speedup, Scales);
        var reason = $"{Threads} gil threads wait {Cells.Times(speedup.Median)} as fast as 1 (claim: ≥ {Scales}×)";
        var notes = new List<string>
        {
            $"each wait is {WaitMs} ms asked; 1 thread took {one.WallSeconds / Math.Max(1, one.Work) * 1000:0.00} ms a wait (median), so the wait itself, not the lock, sets the pace",
        };
        var reference = await ScenarioPython.RunAsync(context, "gil-io", notes, cancellationToken);
        if (reference is { } py)
        {
            var pyOne = PythonReference.Timing(py.GetProperty("oneThread"));
            var pyMany = PythonReference.Timing(py.GetProperty("manyThreads"));
            var pySpeedup = PythonReference.PairedRatio(py, "oneThread", "manyThreads");
            rows.Add(Row("CPython", 1, pyOne, null));
            rows.Add(Row("CPython", Threads, pyMany, pySpeedup));
            reason += $"; CPython {ScenarioPython.Version(py)} (time.sleep): {Cells.Times(pySpeedup.Median)}; {Verdicts.Agreement(model, Noise.AtLeast(pySpeedup, Scales))}";
        }

        return new ScenarioResult(Name, Claim, model, reason,
            new Evidence($"{one.Work:N0} waits of {WaitMs} ms in all (model)", ["who", "threads", "wall s (band)", "speedup (band)"], rows),
            [one, many], notes, reference);
    }

    private static IReadOnlyList<string> Row(string who, int threads, Sample wall, Sample? speedup) =>
        [who, threads.ToString(System.Globalization.CultureInfo.InvariantCulture), Cells.Seconds(wall), speedup is { } s ? Cells.Ratio(s) : "1.00×"];
}
