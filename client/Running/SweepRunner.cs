using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>One point of a sweep: a load test (with grains) or a workload run (without), for one model.</summary>
internal sealed record SweepPoint(string Model, int Workers, LoadSpec? Load, RunSpec? Run)
{
    public string Label => Load is { } l
        ? $"{Model} {l.Grains:N0} grains, {Workers} {(Models.IsSingleSilo(Model) ? "threads" : "callers")}, {Bytes.Format(l.PayloadBytes)} payload"
        : $"{Model} {Run!.Workload.ToString().ToLowerInvariant()} ×{Workers}, {Bytes.Format(Run.PayloadBytes)} payload, granularity {(Run.Granularity == 0 ? "default" : Run.Granularity)}";
}

/// <summary>
/// Runs a sweep point by point. Between points it waits for the silo's heap to return near its level before
/// the point (and reports both readings); a point that is refused or fails is reported and the sweep goes on.
/// The heap is also read before the warm-up, after it and at the end, to show what the sweep as a whole left.
/// </summary>
internal sealed class SweepRunner(IGrainFactory grains, Experiment experiment)
{
    /// <summary>Runs every point in order.</summary>
    public async Task<Measured> RunAsync(IReadOnlyList<SweepPoint> points, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var coordinator = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        var cores = (await coordinator.Describe()).Cores;
        var runs = points.Where(p => p.Run is not null).Select(p => p.Run!).ToList();
        var estimator = new RunEstimator(runs, experiment, cores);
        var next = 0;
        progress.Remaining = () =>
        {
            // Load points take what their drives take (known) plus activation and clean-up; workload points are learned.
            var loads = TimeSpan.FromSeconds(points.Skip(next).Where(p => p.Load is not null).Sum(p => Expected(p.Load!).TotalSeconds));
            var rest = estimator.Remaining();
            return runs.Count == 0 ? loads : rest is { } r ? loads + r : null;
        };
        var cold = await coordinator.LiveHeapBytes();
        var warmUpGrains = await WarmUpAsync(points, progress, cancellationToken);
        var warm = await coordinator.LiveHeapBytes();
        var results = new List<RunResult>();
        var failures = new List<string>();
        foreach (var point in points)
        {
            cancellationToken.ThrowIfCancellationRequested();
            next++;
            var before = await coordinator.LiveHeapBytes();
            try
            {
                RunResult result;
                if (point.Load is { } load)
                {
                    progress.Begin(point.Label, Expected(load));
                    result = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).RunLoad(point.Model, load, point.Workers).WaitAsync(cancellationToken);
                    progress.End();
                }
                else
                {
                    result = await new ExperimentRunner(grains, experiment).MeasureAsync(point.Run!, progress, cancellationToken, estimator, runs.IndexOf(point.Run!));
                }

                var after = await Settle.HeapAfterAsync(coordinator, before, cancellationToken);
                results.Add(result with { HeapBeforeBytes = before, HeapAfterBytes = after });
                if (!result.Correct)
                {
                    failures.Add($"{point.Label}: {result.Actual} (expected {result.Expected}); what completed is in the results");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{point.Label}: {e.Message}");
                progress.End();
            }
        }

        var end = await coordinator.LiveHeapBytes();
        return new Measured(Speedup.With(results), failures, new SweepHeap(cold, warm, end, warmUpGrains));
    }

    /// <summary>
    /// One short unmeasured run per model before the first point, so one-time costs land before the first heap
    /// reading rather than in it: compiled code and pools, and Orleans' activation and directory tables, which
    /// grow to the largest population a silo has held and never shrink (about 120 bytes a grain, bare Orleans
    /// alike). So a load warm-up activates the sweep's largest admitted population, without private memory.
    /// Returns that population of process grains (0 when the sweep activates none).
    /// </summary>
    private async Task<int> WarmUpAsync(IReadOnlyList<SweepPoint> points, ProgressReporter progress, CancellationToken cancellationToken)
    {
        // The largest population that admission will let run: a point that will be refused gets no warm-up.
        var memory = (await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Describe()).MemoryBytes;
        var largest = 0;
        foreach (var point in points.Where(p => p.Load is not { } l || Admission.Check(l, memory) is null)
                     .GroupBy(p => p.Model).Select(g => g.MaxBy(p => p.Load?.Grains ?? 0)!))
        {
            var coordinator = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
            progress.Begin($"warm-up: {point.Label}", point.Load is { } l ? Expected(l with { Duration = TimeSpan.FromMilliseconds(100), Warmups = 0, Repeats = 1 }) : null);
            try
            {
                if (point.Load is { } load)
                {
                    var warmUp = load with { MemoryBytes = 0, Duration = TimeSpan.FromMilliseconds(100), Warmups = 0, Repeats = 1 };
                    await coordinator.RunLoad(point.Model, warmUp, point.Workers).WaitAsync(cancellationToken);
                    largest = point.Model == Models.Process ? Math.Max(largest, load.Grains) : largest;
                }
                else
                {
                    await coordinator.Run(point.Run!).WaitAsync(cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The point itself will fail and be reported; the warm-up has nothing to add.
            }

            progress.End();
        }

        return largest;
    }

    /// <summary>What a load point should take: activation at a typical rate, its drives, clean-up and the heap readings.</summary>
    private static TimeSpan Expected(LoadSpec load) =>
        TimeSpan.FromSeconds(1 + (load.Grains / 50_000.0) + (load.Grains / 100_000.0)) + (load.Duration * (load.Warmups + load.Repeats));
}
