using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>Runs specs through coordinator grains: warm-ups, repeats, the median, and speedups.</summary>
internal sealed class ExperimentRunner(IGrainFactory grains, Experiment experiment)
{
    /// <summary>Measures every spec in order. A spec that fails is reported and the rest still run.</summary>
    public async Task<Measured> RunAllAsync(IReadOnlyList<RunSpec> specs, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var results = new List<RunResult>();
        var failures = new List<string>();
        foreach (var spec in specs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results.Add(await MeasureAsync(spec, progress, cancellationToken));
            }
            catch (ArgumentException)
            {
                throw; // a refused request: the user's to fix, and the same for every spec
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{Label(spec)}: {e.Message}");
            }
        }

        return new Measured(WithSpeedups(results), failures);
    }

    /// <summary>Measures one spec: warm-ups, then repeats summarised by their median.</summary>
    public async Task<RunResult> MeasureAsync(RunSpec spec, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var label = Label(spec);
        for (var i = 1; i <= experiment.Warmup; i++)
        {
            progress.Begin($"{label}: warm-up {i}/{experiment.Warmup}");
            await OnceAsync(spec, cancellationToken);
            progress.End();
        }

        var repeats = new List<RunResult>();
        for (var i = 1; i <= experiment.Repeats; i++)
        {
            progress.Begin($"{label}: repeat {i}/{experiment.Repeats}");
            repeats.Add(await OnceAsync(spec, cancellationToken));
            progress.End();
        }

        return Summarise(repeats);
    }

    /// <summary>The median repeat by wall time, with the fastest and slowest, correct only if every repeat was.</summary>
    public static RunResult Summarise(IReadOnlyList<RunResult> repeats)
    {
        var sorted = repeats.OrderBy(r => r.WallSeconds).ToList();
        return sorted[sorted.Count / 2] with
        {
            Repeats = sorted.Count,
            WallSecondsMin = sorted[0].WallSeconds,
            WallSecondsMax = sorted[^1].WallSeconds,
            Correct = repeats.All(r => r.Correct),
        };
    }

    /// <summary>Speedup and efficiency of each result against the one-worker result of the same model and sizes.</summary>
    public static List<RunResult> WithSpeedups(IEnumerable<RunResult> results)
    {
        var list = results.ToList();
        return list.Select(r =>
        {
            var baseline = list.FirstOrDefault(b => b.Workers == 1 && SameExperiment(b, r));
            if (baseline is null || r.WallSeconds <= 0)
            {
                return r;
            }

            var speedup = baseline.WallSeconds / r.WallSeconds;
            return r with { Speedup = speedup, Efficiency = speedup / r.Workers };
        }).ToList();
    }

    private static bool SameExperiment(RunResult a, RunResult b) =>
        a.Model == b.Model && a.Workload == b.Workload && a.Work == b.Work && a.Granularity == b.Granularity &&
        a.Sync == b.Sync && a.PayloadBytesPerMessage == b.PayloadBytesPerMessage && a.MemoryBytesRequested == b.MemoryBytesRequested;

    private Task<RunResult> OnceAsync(RunSpec spec, CancellationToken cancellationToken) =>
        grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec).WaitAsync(cancellationToken);

    private static string Label(RunSpec spec) => $"{spec.Model} {spec.Workload.ToString().ToLowerInvariant()} ×{spec.Workers}";
}

/// <summary>What a batch of runs produced: the results, and a line for each spec that failed.</summary>
internal sealed record Measured(IReadOnlyList<RunResult> Results, IReadOnlyList<string> Failures, SweepHeap? Heap = null);
