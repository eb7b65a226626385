using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>gil-native: CPU-bound work that releases the interpreter lock (a C extension), 1 and 2 threads, beside CPython's hashlib.</summary>
internal sealed class GilNativeScenario : IScenario
{
    private const long Work = 150_000;

    public string Name => "gil-native";

    public string Claim => "Work that releases the interpreter lock (a C extension) lets threads scale again.";

    public int Order => 5;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var spec = new RunSpec { Model = Models.Gil, Workload = Workload.Cpu, Work = Work };
        var measured = await context.MeasureAllAsync([spec with { Workers = 1, Native = true }, spec with { Workers = 2, Native = true }, spec with { Workers = 2 }], cancellationToken, Sizing.Together);
        var (native1, native2, held2) = (measured[0], measured[1], measured[2]);
        var speedup = Noise.Ratio(Sample.Wall(native1), Sample.Wall(native2));
        var heldSpeedup = Noise.Ratio(Sample.Wall(native1), Sample.Wall(held2));
        var rows = new List<IReadOnlyList<string>>
        {
            Row("model: gil, native", "1 thread", Sample.Wall(native1), null),
            Row("model: gil, native", "2 threads", Sample.Wall(native2), speedup),
            Row("model: gil, lock held", "2 threads", Sample.Wall(held2), heldSpeedup),
        };
        var model = context.Machine.Cores < 2 ? Verdict.Inconclusive : Noise.AtLeast(speedup, GilCpuScenario.SpeedsUp);
        var reason = $"2 gil threads running native work run at {Cells.Times(speedup.Median)} the speed of 1 (claim: ≥ {GilCpuScenario.SpeedsUp}×); " +
                     $"holding the lock, {Cells.Times(heldSpeedup.Median)}";
        var notes = new List<string>();
        var reference = await ScenarioPython.RunAsync(context, "gil-native", notes, cancellationToken);
        if (reference is { } py)
        {
            var one = PythonReference.Timing(py.GetProperty("oneThread"));
            var two = PythonReference.Timing(py.GetProperty("twoThreads"));
            var pySpeedup = PythonReference.PairedRatio(py, "oneThread", "twoThreads");
            rows.Add(Row("CPython, hashlib.sha256", "1 thread", one, null));
            rows.Add(Row("CPython, hashlib.sha256", "2 threads", two, pySpeedup));
            reason += $"; CPython {ScenarioPython.Version(py)} hashing 1 MiB blocks (hashlib releases the lock): {Cells.Times(pySpeedup.Median)}; " +
                      Verdicts.Agreement(model, Noise.AtLeast(pySpeedup, GilCpuScenario.SpeedsUp));
        }

        return new ScenarioResult(Name, Claim, model, reason,
            new Evidence($"cpu-bound work: {native1.Work:N0} units (model); 1 MiB sha256 blocks (CPython)", ["who", "workers", "wall s (band)", "speedup (band)"], rows),
            [native1, native2, held2], notes, reference);
    }

    private static IReadOnlyList<string> Row(string who, string workers, Sample wall, Sample? speedup) =>
        [who, workers, Cells.Seconds(wall), speedup is { } s ? Cells.Ratio(s) : "1.00×"];
}
