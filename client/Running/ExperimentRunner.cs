using System.Diagnostics;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// Runs specs through coordinator grains: warm-ups, repeats, the median, and speedups. Every call is watched
/// (<see cref="CoordinatorWatch"/>): a lost coordinator's silo ends the step within seconds, re-run once on the
/// survivors when the workload can redo its work, or reported <c>lost</c>; a lost way into the cluster ends the
/// batch with what completed; no call outlives its run's time limit plus <see cref="CoordinatorWatch.Grace"/>.
/// </summary>
internal sealed class ExperimentRunner(IGrainFactory grains, ClusterCatalog catalog, Experiment experiment, CoordinatorWatch? watch = null)
{
    private readonly CoordinatorWatch _watch = watch ?? new CoordinatorWatch(grains, null);
    private readonly Dictionary<RunSpec, ResolvedSpec> _resolved = [];
    private MachineInfo? _machine;
    private string _step = "";

    /// <summary>
    /// Measures every spec in order, with progress whose estimate is learned from the runs made so far. A spec
    /// that fails is reported and the rest still run; an interruption or a lost cluster stops the batch, and what
    /// completed is returned with a line for the spec that was cut short.
    /// </summary>
    /// <param name="specs">What to run, in order.</param>
    /// <param name="progress">Where to report.</param>
    /// <param name="cancellationToken">Interrupts the batch (Ctrl-C, SIGTERM).</param>
    /// <param name="extraFrom">Specs from this index on are side measurements (the hand-off of a comparison): their results are <see cref="Measured.Extra"/>.</param>
    public async Task<Measured> RunAllAsync(IReadOnlyList<RunSpec> specs, ProgressReporter progress, CancellationToken cancellationToken, int extraFrom = int.MaxValue)
    {
        var cores = (await MachineAsync(cancellationToken)).Cores;
        var estimator = new RunEstimator(await ResolveAsync(specs, cancellationToken), experiment, cores);
        progress.Remaining = estimator.Remaining;
        var results = new List<RunResult>();
        var extra = new List<RunResult>();
        var failures = new List<string>();
        string? interrupted = null;
        for (var i = 0; i < specs.Count; i++)
        {
            var into = i < extraFrom ? results : extra;
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = $"{Label(specs[i])}: interrupted before it started";
                break;
            }

            try
            {
                into.Add(await MeasureAsync(specs[i], progress, cancellationToken, estimator, i));
            }
            catch (ArgumentException)
            {
                throw; // a refused request: the user's to fix, and the same for every spec
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress.End();
                interrupted = $"{Label(specs[i])}: interrupted during {_step}";
                break;
            }
            catch (RunLostException e)
            {
                progress.End();
                into.Add(e.Record);
                failures.Add($"{Label(specs[i])}: lost: {e.Message}{Skipped(specs.Count - i - 1)}");
                break;
            }
            catch (ClusterLostException e)
            {
                progress.End();
                failures.Add($"{Label(specs[i])}: lost: {e.Message}{Skipped(specs.Count - i - 1)}");
                break;
            }
            catch (RunRefusedException e)
            {
                // One refused run of a batch is a failed row (in the CLI's terms); the others are kept.
                progress.End();
                failures.Add($"{Label(specs[i])}: {Commands.Execution.Refused(e)}");
            }
            catch (Exception e)
            {
                progress.End();
                failures.Add($"{Label(specs[i])}: {e.Message.Split('\n')[0]}");
            }
        }

        foreach (var lost in results.Concat(extra).Where(r => r.Outcome == Outcomes.Lost && !failures.Any(f => f.StartsWith(Label(r), StringComparison.Ordinal))))
        {
            failures.Add($"{Label(lost)}: lost: {lost.Failure}");
        }

        return new Measured(Speedup.With(results), failures) { Extra = extra, Interrupted = interrupted };
    }

    /// <summary>
    /// Measures one spec: warm-ups, then repeats summarised by the median repeat by throughput, and the spread. A repeat
    /// that ends lost ends the spec: its record is returned, saying how many repeats completed before it.
    /// Throws <see cref="RunLostException"/> (with the lost record) when the client lost its way into the cluster.
    /// </summary>
    /// <param name="spec">What to run.</param>
    /// <param name="progress">Where to report.</param>
    /// <param name="cancellationToken">Interrupts it.</param>
    /// <param name="estimator">Learns how long the runs take, when there is one.</param>
    /// <param name="index">The spec's index in <paramref name="estimator"/>.</param>
    /// <param name="pass">
    /// 0: every repeat, back to back. Otherwise the one repeat of that number (1 to the experiment's repeats) alone,
    /// after the warm-ups when it is the first: a sweep measures its points in passes, a repeat a pass.
    /// </param>
    public async Task<RunResult> MeasureAsync(RunSpec spec, ProgressReporter progress, CancellationToken cancellationToken, RunEstimator? estimator = null, int index = 0, int pass = 0)
    {
        var label = Label(spec);
        var workload = catalog.Workload(spec.Workload.Name) ?? throw new RunRefusedException(RefusedSetting.Workload, $"this cluster has no workload '{spec.Workload}'");
        await ResolveAsync([spec], cancellationToken);
        var resolved = _resolved[spec];
        var placed = catalog.Model(spec.Model)?.Placed ?? false;
        RunResult Lost(string failure, MachineInfo machine, IReadOnlySet<SiloAddress>? survivors) => LostRecord(spec, resolved, workload, placed, failure, machine, survivors);
        var limit = TimeSpan.FromSeconds(spec.TimeLimitSeconds);
        var machine = await MachineAsync(cancellationToken);
        async Task<RunResult> OnceAsync(string step)
        {
            _step = step;
            string? again = null;
            for (var attempt = 1; ; attempt++)
            {
                progress.Begin($"{label}: {step}{(again is null ? "" : " again, on the surviving silos")}", estimator?.Begin(index));
                var clock = Stopwatch.StartNew();
                var call = await _watch.CallAsync(c => c.Run(spec), limit, cancellationToken, home => progress.Update($"coordinator on silo {home.Endpoint}"));
                progress.End();
                switch (call.End)
                {
                    case CallEnd.Answered:
                        estimator?.Record(index, clock.Elapsed);
                        var result = call.Value!;
                        return again is null ? result : result with
                        {
                            Outcome = result.Outcome == Outcomes.Completed ? Outcomes.Recovered : result.Outcome,
                            Failure = result.Failure is null ? again : $"{again}; then {result.Failure}",
                        };
                    case CallEnd.TimedOut:
                        return Lost($"{step}: {call.Reason}", machine, null);
                    case CallEnd.SiloLost:
                        // The engine ends a run that loses a silo with a record of its own; a failure it passed on
                        // instead is lost all the same, and not run again.
                        return Lost($"{call.Reason} during {step}", machine, null) with { Notes = ["the coordinator gave no record: nothing of this run was measured"] };
                    default:
                        // Lost coordinator or lost connection: does the cluster still answer (the Orleans client moves
                        // to another gateway by itself)?
                        var survivors = await _watch.ReachableAsync(cancellationToken, call.Silo);
                        if (survivors is null)
                        {
                            var why = call.End == CallEnd.ConnectionLost ? call.Reason : $"{call.Reason}; {await _watch.GatewaysLostAsync()}";
                            throw new RunLostException(why!, Lost($"{step}: {why}", machine, new HashSet<SiloAddress>()));
                        }

                        if (call.End == CallEnd.ConnectionLost)
                        {
                            // The cluster answers again (through another gateway): say what became of the coordinator.
                            call = call with
                            {
                                Reason = survivors.Any(s => s.Endpoint.ToString() == call.Silo)
                                    ? $"the client lost its connection to the coordinator on silo {call.Silo}"
                                    : $"the coordinator's silo {call.Silo} left the cluster",
                            };
                        }

                        if (workload.Recovers && attempt == 1)
                        {
                            again = $"{call.Reason} during {step}, which ran again on the {survivors.Count} surviving silo{(survivors.Count == 1 ? "" : "s")}";
                            continue;
                        }

                        return Lost($"{call.Reason} during {step}; {(attempt > 1 ? "it was lost again on the survivors" : $"{spec.Workload} runs are not started again")}", machine, survivors);
                }
            }
        }

        for (var i = 1; i <= experiment.Warmup && pass <= 1; i++)
        {
            var warm = await OnceAsync($"warm-up {i}/{experiment.Warmup}");
            if (warm.Outcome == Outcomes.Lost)
            {
                return warm;
            }
        }

        var repeats = new List<RunResult>();
        for (var i = Math.Max(1, pass); i <= (pass == 0 ? experiment.Repeats : pass); i++)
        {
            var repeat = await OnceAsync($"repeat {i}/{experiment.Repeats}");
            if (repeat.Outcome == Outcomes.Lost)
            {
                return repeats.Count == 0 ? repeat : repeat with
                {
                    Notes = [.. repeat.Notes, $"{repeats.Count} of {experiment.Repeats} repeats completed before it was lost (wall {string.Join(", ", repeats.Select(r => $"{r.WallSeconds:0.###} s"))})"],
                };
            }

            repeats.Add(repeat);
        }

        return Summarise(repeats);
    }

    /// <summary>The record of a run whose coordinator was lost or never answered: nothing of it was measured.</summary>
    /// <param name="spec">The run.</param>
    /// <param name="resolved">The run with its workload's defaults, and its expected answer, as the cluster resolved it.</param>
    /// <param name="workload">Its workload, as the cluster's catalog describes it.</param>
    /// <param name="placed">Whether its model's workers are placed by <c>--placement</c>.</param>
    /// <param name="failure">What was lost and where, in one line.</param>
    /// <param name="machine">The cluster as the batch found it.</param>
    /// <param name="survivors">The silos still active (the machine line counts them), or null when that is not known.</param>
    private static RunResult LostRecord(RunSpec spec, ResolvedSpec resolved, WorkloadInfo workload, bool placed, string failure, MachineInfo machine, IReadOnlySet<SiloAddress>? survivors)
    {
        var alive = survivors?.Select(s => s.Endpoint.ToString()).ToHashSet();
        var silos = alive?.Count ?? machine.Silos;
        return new RunResult
        {
            Model = spec.Model,
            Workload = spec.Workload.Name,
            Workers = spec.Workers,
            Silos = silos,
            Work = resolved.Spec.Work,
            Granularity = resolved.Spec.Granularity,
            Placement = placed ? spec.Placement : null,
            SpeedupApplies = workload.HasSpeedup,
            Machine = machine with { Silos = silos, SiloMachines = [.. machine.SiloMachines.Where(m => alive is null || alive.Contains(m.Silo))] },
            Expected = resolved.Expected,
            Correct = false,
            Outcome = Outcomes.Lost,
            LostWork = resolved.Spec.Work,
            Failure = failure,
            Notes = ["the coordinator's figures were lost with it: nothing of this run was measured"],
        };
    }

    /// <summary>
    /// <paramref name="specs"/> with their workloads' defaults and expected answers, as the cluster resolves them
    /// (<see cref="ICatalogGrain.Resolve"/>): asked once per spec, before its runs, so a record of a lost run can
    /// still say what it was.
    /// </summary>
    public async Task<IReadOnlyList<RunSpec>> ResolveAsync(IReadOnlyList<RunSpec> specs, CancellationToken cancellationToken)
    {
        var missing = specs.Distinct().Where(s => !_resolved.ContainsKey(s)).ToArray();
        var answers = await Task.WhenAll(missing.Select(s => grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Resolve(s).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken)));
        foreach (var (spec, answer) in missing.Zip(answers))
        {
            _resolved[spec] = answer;
        }

        return [.. specs.Select(s => _resolved[s].Spec)];
    }

    private async Task<MachineInfo> MachineAsync(CancellationToken cancellationToken) =>
        _machine ??= await _watch.BoundedAsync(c => c.Describe(), cancellationToken);

    private static string Skipped(int count) => count > 0 ? $" ({count} more run{(count == 1 ? "" : "s")} not started)" : "";

    /// <summary>The median repeat (<see cref="Repeats.Median"/>), with the fastest and slowest, correct only if every repeat was.</summary>
    public static RunResult Summarise(IReadOnlyList<RunResult> repeats)
    {
        var (median, _, _) = Contracts.Repeats.Median(repeats, r => r.Throughput);
        return median with
        {
            Repeats = repeats.Count,
            WallSecondsMin = repeats.Min(r => r.WallSeconds),
            WallSecondsMax = repeats.Max(r => r.WallSeconds),
            WallSecondsRepeats = repeats.Count > 1 ? [.. repeats.Select(r => r.WallSeconds)] : null,
            MemoryPerWorkerBytesMin = repeats.Min(r => r.MemoryPerWorkerBytes),
            MemoryPerWorkerBytesMax = repeats.Max(r => r.MemoryPerWorkerBytes),
            Correct = repeats.All(r => r.Correct),
        };
    }

    private static string Label(RunSpec spec) => $"{spec.Model} {spec.Workload.ToString().ToLowerInvariant()} ×{spec.Workers}";

    private static string Label(RunResult result) => $"{result.Model} {result.Workload.ToLowerInvariant()} ×{result.Workers}";
}

/// <summary>What a batch of runs produced: the results, and a line for each spec that failed.</summary>
internal sealed record Measured(IReadOnlyList<RunResult> Results, IReadOnlyList<string> Failures, SweepHeap? Heap = null)
{
    /// <summary>Side measurements made for the report, not results in their own right (a comparison's hand-off).</summary>
    public IReadOnlyList<RunResult> Extra { get; init; } = [];

    /// <summary>The run cut short by an interruption (Ctrl-C, SIGTERM) and the step it was in; null when none was.</summary>
    public string? Interrupted { get; init; }
}

/// <summary>The client lost its way into the cluster during a run; <see cref="Record"/> is that run's <c>lost</c> record.</summary>
internal sealed class RunLostException(string message, RunResult record) : Exception(message)
{
    /// <summary>The lost run's record.</summary>
    public RunResult Record { get; } = record;
}
