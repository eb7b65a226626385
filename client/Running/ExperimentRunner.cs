using System.Diagnostics;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>Runs specs through coordinator grains: warm-ups, repeats, the median, and speedups.</summary>
internal sealed class ExperimentRunner(IGrainFactory grains, Experiment experiment)
{
    /// <summary>
    /// Measures every spec in order, with progress whose estimate is learned from the runs made so far. A spec
    /// that fails is reported and the rest still run.
    /// </summary>
    /// <param name="specs">What to run, in order.</param>
    /// <param name="progress">Where to report.</param>
    /// <param name="cancellationToken">Stops between runs.</param>
    /// <param name="extraFrom">Specs from this index on are side measurements (the hand-off of a comparison): their results are <see cref="Measured.Extra"/>.</param>
    public async Task<Measured> RunAllAsync(IReadOnlyList<RunSpec> specs, ProgressReporter progress, CancellationToken cancellationToken, int extraFrom = int.MaxValue)
    {
        var cores = (await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Describe()).Cores;
        var estimator = new RunEstimator(specs, experiment, cores);
        progress.Remaining = estimator.Remaining;
        var results = new List<RunResult>();
        var extra = new List<RunResult>();
        var failures = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                (i < extraFrom ? results : extra).Add(await MeasureAsync(specs[i], progress, cancellationToken, estimator, i));
            }
            catch (ArgumentException)
            {
                throw; // a refused request: the user's to fix, and the same for every spec
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                progress.End();
                failures.Add($"{Label(specs[i])}: {e.Message}");
            }
        }

        return new Measured(Speedup.With(results), failures) { Extra = extra };
    }

    /// <summary>Measures one spec: warm-ups, then repeats summarised by their median (by wall time) and spread.</summary>
    public async Task<RunResult> MeasureAsync(RunSpec spec, ProgressReporter progress, CancellationToken cancellationToken, RunEstimator? estimator = null, int index = 0)
    {
        var label = Label(spec);
        async Task<RunResult> OnceAsync(string step)
        {
            progress.Begin($"{label}: {step}", estimator?.Begin(index));
            var watch = Stopwatch.StartNew();
            var result = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec).WaitAsync(cancellationToken);
            estimator?.Record(index, watch.Elapsed);
            progress.End();
            return result;
        }

        for (var i = 1; i <= experiment.Warmup; i++)
        {
            await OnceAsync($"warm-up {i}/{experiment.Warmup}");
        }

        var repeats = new List<RunResult>();
        for (var i = 1; i <= experiment.Repeats; i++)
        {
            repeats.Add(await OnceAsync($"repeat {i}/{experiment.Repeats}"));
        }

        return Summarise(repeats);
    }

    /// <summary>The median repeat (<see cref="Repeats.Median"/>), with the fastest and slowest, correct only if every repeat was.</summary>
    public static RunResult Summarise(IReadOnlyList<RunResult> repeats)
    {
        var (median, _, _) = Contracts.Repeats.Median(repeats, r => r.Throughput);
        return median with
        {
            Repeats = repeats.Count,
            WallSecondsMin = repeats.Min(r => r.WallSeconds),
            WallSecondsMax = repeats.Max(r => r.WallSeconds),
            MemoryPerWorkerBytesMin = repeats.Min(r => r.MemoryPerWorkerBytes),
            MemoryPerWorkerBytesMax = repeats.Max(r => r.MemoryPerWorkerBytes),
            Correct = repeats.All(r => r.Correct),
        };
    }

    private static string Label(RunSpec spec) => $"{spec.Model} {spec.Workload.ToString().ToLowerInvariant()} ×{spec.Workers}";
}

/// <summary>What a batch of runs produced: the results, and a line for each spec that failed.</summary>
internal sealed record Measured(IReadOnlyList<RunResult> Results, IReadOnlyList<string> Failures, SweepHeap? Heap = null)
{
    /// <summary>Side measurements made for the report, not results in their own right (a comparison's hand-off).</summary>
    public IReadOnlyList<RunResult> Extra { get; init; } = [];
}
