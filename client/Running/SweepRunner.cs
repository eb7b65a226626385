using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>One point of a sweep: a load test (with grains) or a workload run (without), for one model.</summary>
internal sealed record SweepPoint(string Model, int Workers, LoadSpec? Load, RunSpec? Run)
{
    /// <summary>What the model's workers are when they drive load (<see cref="ModelTraits.LoadWorkers"/>): threads or callers.</summary>
    public string LoadWorkers { get; init; } = "callers";

    public string Label => Load is { } l
        ? $"{Model} {l.Grains:N0} grains, {Workers} {LoadWorkers}, {Bytes.Format(l.PayloadBytes)} payload"
        : $"{Model} {Run!.Workload.ToString().ToLowerInvariant()} ×{Workers}, {Bytes.Format(Run.PayloadBytes)} payload, granularity {(Run.Granularity == 0 ? "default" : Run.Granularity)}";
}

/// <summary>
/// Runs a sweep point by point. Between points it waits for the silo's heap to return near its level before
/// the point (and reports both readings); a point that is refused or fails is reported and the sweep goes on.
/// The heap is also read before the warm-up, after it and at the end, to show what the sweep as a whole left.
/// </summary>
/// A point whose run is lost (a silo it needed left) is kept with its outcome, and the sweep goes on or stops as
/// <paramref name="stopOnLoss"/> says; an interruption or a lost cluster stops it with what completed.
internal sealed class SweepRunner(IGrainFactory grains, ClusterCatalog catalog, Experiment experiment, CoordinatorWatch? watch = null, bool stopOnLoss = false)
{
    private readonly CoordinatorWatch _watch = watch ?? new CoordinatorWatch(grains, null);
    private readonly ExperimentRunner _runner = new(grains, catalog, experiment, watch);
    private ICoordinatorGrain _heap = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());

    /// <summary>Runs every point in order.</summary>
    public async Task<Measured> RunAsync(IReadOnlyList<SweepPoint> points, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var cores = (await _watch.BoundedAsync(c => c.Describe(), cancellationToken)).Cores;
        var runs = points.Where(p => p.Run is not null).Select(p => p.Run!).ToList();
        var estimator = new RunEstimator(await _runner.ResolveAsync(runs, cancellationToken), experiment, cores);
        var next = 0;
        progress.Remaining = () =>
        {
            // Load points take what their drives take (known) plus activation and clean-up; workload points are learned.
            var loads = TimeSpan.FromSeconds(points.Skip(next).Where(p => p.Load is not null).Sum(p => Expected(p.Load!).TotalSeconds));
            var rest = estimator.Remaining();
            return runs.Count == 0 ? loads : rest is { } r ? loads + r : null;
        };
        var cold = await HeapAsync(cancellationToken);
        var warmUpGrains = await WarmUpAsync(points, progress, cancellationToken);
        var warm = await HeapAsync(cancellationToken);
        var results = new List<RunResult>();
        var failures = new List<string>();
        string? interrupted = null;
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var left = points.Count - i - 1;
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = $"{point.Label}: interrupted before it started";
                break;
            }

            next++;
            try
            {
                var before = await HeapAsync(cancellationToken);
                RunResult result;
                if (point.Load is { } load)
                {
                    progress.Begin(point.Label, Expected(load));
                    var call = await _watch.CallAsync(c => c.RunLoad(point.Model, load, point.Workers), Expected(load), cancellationToken, home => progress.Update($"coordinator on silo {home.Endpoint}"));
                    progress.End();
                    result = call.End == CallEnd.Answered ? call.Value! : new RunResult
                    {
                        Model = point.Model,
                        Workload = "load",
                        Workers = point.Workers,
                        Grains = load.Grains,
                        Outcome = Outcomes.Lost,
                        Failure = call.Reason,
                        Notes = [call.End == CallEnd.SiloLost
                            ? "the coordinator gave no record: nothing of this point was measured"
                            : "the coordinator's figures were lost with it: nothing of this point was measured"],
                    };
                }
                else
                {
                    result = await _runner.MeasureAsync(point.Run!, progress, cancellationToken, estimator, runs.IndexOf(point.Run!));
                }

                long? after;
                try
                {
                    after = await Settle.HeapAfterAsync(_heap, before, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    after = null; // the silo the heap is read on was lost with the point: no reading after it
                }

                results.Add(result with { HeapBeforeBytes = before, HeapAfterBytes = after });
                if (result.Outcome == Outcomes.Lost)
                {
                    failures.Add($"{point.Label}: lost: {result.Failure}");
                    if (stopOnLoss && left > 0)
                    {
                        failures.Add($"the sweep stopped at the loss (--on-loss stop): {left} point{(left == 1 ? "" : "s")} not run");
                        break;
                    }
                }
                else if (!result.Correct)
                {
                    failures.Add($"{point.Label}: {result.Actual} (expected {result.Expected}); what completed is in the results");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress.End();
                interrupted = $"{point.Label}: interrupted";
                break;
            }
            catch (RunLostException e)
            {
                progress.End();
                results.Add(e.Record);
                failures.Add($"{point.Label}: lost: {e.Message} ({left} point{(left == 1 ? "" : "s")} not run)");
                break;
            }
            catch (ClusterLostException e)
            {
                progress.End();
                failures.Add($"{point.Label}: lost: {e.Message} ({left} point{(left == 1 ? "" : "s")} not run)");
                break;
            }
            catch (RunRefusedException e)
            {
                failures.Add($"{point.Label}: {Commands.Execution.Refused(e)}");
                progress.End();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{point.Label}: {e.Message.Split('\n')[0]}");
                progress.End();
            }
        }

        var end = interrupted is null ? await TryHeapAsync(cancellationToken) : 0;
        return new Measured(Speedup.With(results), failures, new SweepHeap(cold, warm, end, warmUpGrains)) { Interrupted = interrupted };
    }

    /// <summary>
    /// The live heap of the silo the sweep reads it on, bounded; when that silo was lost, of a silo that is left
    /// (throws <see cref="ClusterLostException"/> when none answers).
    /// </summary>
    private async Task<long> HeapAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _heap.LiveHeapBytes().WaitAsync(CoordinatorWatch.Unanswered, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _heap = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
            return await _watch.BoundedAsync(_ => _heap.LiveHeapBytes(), cancellationToken);
        }
    }

    private async Task<long> TryHeapAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await HeapAsync(cancellationToken);
        }
        catch (ClusterLostException)
        {
            return 0;
        }
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
        var memory = (await _watch.BoundedAsync(c => c.Describe(), cancellationToken)).MemoryBytes;
        var largest = 0;
        foreach (var point in points.Where(p => p.Load is not { } l || Admission.Check(l, memory) is null)
                     .GroupBy(p => p.Model).Select(g => g.MaxBy(p => p.Load?.Grains ?? 0)!))
        {
            progress.Begin($"warm-up: {point.Label}", point.Load is { } l ? Expected(l with { Duration = TimeSpan.FromMilliseconds(100), Warmups = 0, Repeats = 1 }) : null);
            try
            {
                if (point.Load is { } load)
                {
                    var warmUp = load with { MemoryBytes = 0, Duration = TimeSpan.FromMilliseconds(100), Warmups = 0, Repeats = 1 };
                    await _watch.CallAsync(c => c.RunLoad(point.Model, warmUp, point.Workers), Expected(warmUp), cancellationToken);
                    largest = point.Model == Models.Process ? Math.Max(largest, load.Grains) : largest;
                }
                else
                {
                    await _watch.CallAsync(c => c.Run(point.Run!), TimeSpan.FromSeconds(point.Run!.TimeLimitSeconds), cancellationToken);
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
