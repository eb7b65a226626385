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

    /// <summary>
    /// Runs every point in order, in passes: each pass runs every point once (a load point one load test of one
    /// measured drive, after its warm-ups; a workload point one repeat, after the experiment's warm-ups in the first
    /// pass only), and a point's repeats are its runs in the successive passes (<see cref="Passes"/>), so a change
    /// in the machine's load during the sweep lands on every point's band alike instead of on whichever points ran then.
    /// </summary>
    public async Task<Measured> RunAsync(IReadOnlyList<SweepPoint> points, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var cores = (await _watch.BoundedAsync(c => c.Describe(), cancellationToken)).Cores;
        var runs = points.Where(p => p.Run is not null).Select(p => p.Run!).ToList();
        var estimator = new RunEstimator(await _runner.ResolveAsync(runs, cancellationToken), experiment, cores);
        int Repeats(SweepPoint point) => point.Load?.Repeats ?? experiment.Repeats;
        var passes = points.Select(Repeats).DefaultIfEmpty(1).Max();
        var loadRunsLeft = points.Where(p => p.Load is not null).Sum(Repeats);
        // A workload point's index among the sweep's runs (its estimator's), and the runs it has left: warm-ups and repeats.
        var runOf = new int[points.Count];
        for (int i = 0, next = 0; i < points.Count; i++)
        {
            runOf[i] = points[i].Run is null ? -1 : next++;
        }

        var workloadRunsLeft = runs.Select(_ => experiment.Warmup + experiment.Repeats).ToArray();
        progress.Remaining = () =>
        {
            // Load runs take what their drives take (known) plus activation and clean-up; workload points are learned.
            var perPass = points.Where(p => p.Load is not null).Select(p => Expected(OnePass(p.Load!)).TotalSeconds).DefaultIfEmpty(0).Average();
            var loads = TimeSpan.FromSeconds(perPass * Volatile.Read(ref loadRunsLeft));
            var rest = estimator.Remaining(workloadRunsLeft);
            return runs.Count == 0 ? loads : rest is { } r ? loads + r : null;
        };
        var cold = await HeapAsync(cancellationToken);
        var warmUpGrains = await WarmUpAsync(points, progress, cancellationToken);
        var warm = await HeapAsync(cancellationToken);
        var measured = points.Select(_ => new List<RunResult>()).ToArray();
        var done = new bool[points.Count]; // refused, failed or lost: not run again in a later pass
        void Abandon(int i)
        {
            done[i] = true;
            if (runOf[i] >= 0)
            {
                Volatile.Write(ref workloadRunsLeft[runOf[i]], 0);
            }
        }

        var failures = new List<string>();
        string? interrupted = null;
        for (var pass = 1; pass <= passes && interrupted is null; pass++)
        {
            for (var i = 0; i < points.Count; i++)
            {
                var point = points[i];
                if (done[i] || pass > Repeats(point))
                {
                    continue;
                }

                var label = passes > 1 ? $"{point.Label} (pass {pass}/{passes})" : point.Label;
                var left = points.Count - i - 1;
                if (cancellationToken.IsCancellationRequested)
                {
                    interrupted = $"{label}: interrupted before it started";
                    break;
                }

                try
                {
                    var before = await HeapAsync(cancellationToken);
                    RunResult result;
                    if (point.Load is { } whole)
                    {
                        var load = OnePass(whole);
                        progress.Begin(label, Expected(load));
                        var call = await _watch.CallAsync(c => c.RunLoad(point.Model, load, point.Workers), Expected(load), cancellationToken, home => progress.Update($"coordinator on silo {home.Endpoint}"));
                        progress.End();
                        Interlocked.Decrement(ref loadRunsLeft);
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
                        result = await _runner.MeasureAsync(point.Run!, progress, cancellationToken, estimator, runOf[i], pass);
                        Interlocked.Add(ref workloadRunsLeft[runOf[i]], -((pass == 1 ? experiment.Warmup : 0) + 1));
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

                    measured[i].Add(result with { HeapBeforeBytes = before, HeapAfterBytes = after });
                    if (result.Outcome == Outcomes.Lost)
                    {
                        Abandon(i);
                        failures.Add($"{label}: lost: {result.Failure}");
                        if (stopOnLoss && (left > 0 || pass < passes))
                        {
                            failures.Add("the sweep stopped at the loss (--on-loss stop): the points after it not run");
                            interrupted = "";
                            break;
                        }
                    }
                    else if (!result.Correct)
                    {
                        failures.Add($"{label}: {result.Actual} (expected {result.Expected}); what completed is in the results");
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    progress.End();
                    interrupted = $"{label}: interrupted";
                    break;
                }
                catch (RunLostException e)
                {
                    progress.End();
                    measured[i].Add(e.Record);
                    failures.Add($"{label}: lost: {e.Message} (the points after it not run)");
                    interrupted = "";
                    break;
                }
                catch (ClusterLostException e)
                {
                    progress.End();
                    failures.Add($"{label}: lost: {e.Message} (the points after it not run)");
                    interrupted = "";
                    break;
                }
                catch (RunRefusedException e)
                {
                    Abandon(i);
                    failures.Add($"{label}: {Commands.Execution.Refused(e)}");
                    progress.End();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Abandon(i);
                    failures.Add($"{label}: {e.Message.Split('\n')[0]}");
                    progress.End();
                }
            }
        }

        var results = measured.Where(m => m.Count > 0).Select(Passes).ToList();
        var end = string.IsNullOrEmpty(interrupted) ? await TryHeapAsync(cancellationToken) : 0;
        return new Measured(Speedup.With(results), failures, new SweepHeap(cold, warm, end, warmUpGrains)) { Interrupted = string.IsNullOrEmpty(interrupted) ? null : interrupted };
    }

    /// <summary>One pass of a load point: its warm-ups and one measured drive.</summary>
    private static LoadSpec OnePass(LoadSpec load) => load with { Repeats = 1 };

    /// <summary>
    /// A point's record from its runs, one a pass: the median run by throughput, with every run's throughput
    /// (<see cref="RunResult.ThroughputRepeats"/>) and the fastest and slowest (a workload point's combined as
    /// <c>run</c> combines its repeats, <see cref="ExperimentRunner.Summarise"/>); correct only if every run was. A
    /// point lost in a pass is that lost record.
    /// </summary>
    internal static RunResult Passes(IReadOnlyList<RunResult> runs)
    {
        if (runs.Count == 1)
        {
            return runs[0];
        }

        if (runs.FirstOrDefault(r => r.Outcome == Outcomes.Lost) is { } lost)
        {
            return lost with { Notes = [.. lost.Notes, $"lost in pass {runs.ToList().IndexOf(lost) + 1} of the sweep; the passes before it were measured"] };
        }

        var wrong = runs.Select((r, i) => (r, i)).FirstOrDefault(x => !x.r.Correct);
        RunResult combined;
        if (runs[0].Grains is null)
        {
            combined = ExperimentRunner.Summarise(runs);
            combined = combined with { Notes = [.. combined.Notes, $"{runs.Count} repeats, one in each of successive passes over the sweep's points (the warm-ups before the first)"] };
        }
        else
        {
            var (median, _, _) = Contracts.Repeats.Median(runs, r => r.Throughput);
            combined = median with
            {
                Repeats = runs.Count,
                ThroughputMin = runs.Min(r => r.Throughput),
                ThroughputMax = runs.Max(r => r.Throughput),
                WallSecondsMin = runs.Min(r => r.WallSeconds),
                WallSecondsMax = runs.Max(r => r.WallSeconds),
                Correct = runs.All(r => r.Correct),
                Notes = [.. median.Notes, $"{runs.Count} repeats, each a load test of its own (warm-ups, one drive) in successive passes over the sweep's points"],
            };
        }

        return combined with
        {
            ThroughputRepeats = [.. runs.Select(r => r.Throughput)],
            Actual = wrong.r is { } w ? $"{w.Actual} (pass {wrong.i + 1} of {runs.Count})" : combined.Actual,
        };
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
