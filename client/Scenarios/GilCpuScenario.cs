using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>gil-cpu: 1 and 2 workers of the gil and process models on the same CPU-bound work, beside CPython.</summary>
internal sealed class GilCpuScenario : IScenario
{
    /// <summary>Units of the cpu workload (about a microsecond each) to start from; sized up until no run is under 0.2 s.</summary>
    private const long Work = 150_000;

    /// <summary>At most this speedup counts as "does not speed up".</summary>
    public const double NoSpeedup = 1.2;

    /// <summary>At least this speedup with 2 workers on 2 cores counts as "speeds up".</summary>
    public const double SpeedsUp = 1.3;

    public string Name => "gil-cpu";

    public string Claim => "Under an interpreter lock, CPU-bound threads do not speed up, while processes do.";

    public int Order => 3;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var spec = new RunSpec { Workload = Workload.Cpu, Work = Work };
        var measured = await context.MeasureAllAsync(
            [spec with { Model = Models.Gil, Workers = 1 }, spec with { Model = Models.Gil, Workers = 2 }, spec with { Model = Models.Process, Workers = 1 }, spec with { Model = Models.Process, Workers = 2 }],
            cancellationToken, Sizing.Together);
        var (gil1, gil2, proc1, proc2) = (measured[0], measured[1], measured[2], measured[3]);
        var gilSpeedup = Noise.Ratio(Sample.Wall(gil1), Sample.Wall(gil2));
        var procSpeedup = Noise.Ratio(Sample.Wall(proc1), Sample.Wall(proc2));

        var rows = new List<IReadOnlyList<string>>
        {
            Row("model: gil", "1 thread", Sample.Wall(gil1), null),
            Row("model: gil", "2 threads", Sample.Wall(gil2), gilSpeedup),
            Row("model: process", "1 process", Sample.Wall(proc1), null),
            Row("model: process", "2 processes", Sample.Wall(proc2), procSpeedup),
        };
        var model = Judge(gilSpeedup, procSpeedup, context.Machine.Cores);
        var reason = $"2 gil threads run at {Cells.Times(gilSpeedup.Median)} the speed of 1 (claim: ≤ {NoSpeedup}×), " +
                     $"2 processes at {Cells.Times(procSpeedup.Median)} (claim: ≥ {SpeedsUp}×)";
        var notes = new List<string>();
        var reference = await ScenarioPython.RunAsync(context, "gil-cpu", notes, cancellationToken);
        if (reference is { } py)
        {
            var one = PythonReference.Timing(py.GetProperty("oneThread"));
            var twoThreads = PythonReference.Timing(py.GetProperty("twoThreads"));
            var twoProcesses = PythonReference.Timing(py.GetProperty("twoProcesses"));
            var pyThreads = PythonReference.PairedRatio(py, "oneThread", "twoThreads");
            var pyProcesses = PythonReference.PairedRatio(py, "oneThread", "twoProcesses");
            rows.Add(Row("CPython", "1 thread", one, null));
            rows.Add(Row("CPython", "2 threads", twoThreads, pyThreads));
            rows.Add(Row("CPython", "2 processes", twoProcesses, pyProcesses));
            var interpreter = Judge(pyThreads, pyProcesses, context.Machine.Cores);
            reason += $"; CPython {ScenarioPython.Version(py)}: 2 threads {Cells.Times(pyThreads.Median)}, 2 processes {Cells.Times(pyProcesses.Median)}; {Verdicts.Agreement(model, interpreter)}";
        }

        if (context.Machine.Cores < 2)
        {
            notes.Add("this machine has one core: no model can speed up, so the claim cannot be tested here");
        }

        return new ScenarioResult(Name, Claim, model, reason,
            new Evidence($"cpu-bound work: {gil1.Work:N0} units (model), the same shape in CPython", ["who", "workers", "wall s (band)", "speedup (band)"], rows),
            [gil1, gil2, proc1, proc2], notes, reference);
    }

    /// <summary>The claim on two speedups of 2 workers over 1: threads under the lock do not speed up, processes do.</summary>
    public static Verdict Judge(Sample threadSpeedup, Sample processSpeedup, int cores) =>
        cores < 2 ? Verdict.Inconclusive : Verdicts.All(Noise.AtMost(threadSpeedup, NoSpeedup), Noise.AtLeast(processSpeedup, SpeedsUp));

    private static IReadOnlyList<string> Row(string who, string workers, Sample wall, Sample? speedup) =>
        [who, workers, Cells.Seconds(wall), speedup is { } s ? Cells.Ratio(s) : "1.00×"];
}
