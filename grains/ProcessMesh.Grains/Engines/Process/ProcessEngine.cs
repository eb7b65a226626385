using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// The <c>process</c> model: each worker is a grain of its workload's process type, placed as the spec says.
/// Runs inside the coordinator grain: it opens every silo's sink, starts the workers, tells every sink where they
/// live (each silo reads the memory its workers added), times the workload's process protocol while watching
/// membership, collects what every silo measured, and stops the workers. A run never hangs: it ends at its time
/// limit, and a lost silo either is recovered from (the workload starts its workers again on the survivors) or
/// ends the run within seconds as <c>lost</c>.
/// </summary>
internal sealed class ProcessEngine(IGrainFactory grains, RunSinks sinks, ILocalSiloDetails here, IClusterMembershipService membership) : IModelEngine
{
    /// <summary>Calls in flight at once while workers start and stop, so a million workers do not flood a silo.</summary>
    private const int SetupParallelism = 512;

    /// <summary>How often the engine reads membership during the measured phase.</summary>
    private static readonly TimeSpan _watchInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the record waits for each worker's Stop, and each silo's report, once the run is over: a lost silo
    /// must not hold it up. A Stop not answered by then still arrives; the record just does not wait for it (after
    /// a lost silo, a Stop to a surviving pinger was seen to go unanswered for the whole limit).
    /// </summary>
    private static readonly TimeSpan _cleanupLimit = TimeSpan.FromSeconds(5);

    public ModelTraits Traits { get; } = new()
    {
        Name = Models.Process,
        Description = "a grain with private memory, one turn at a time, that talks only by message: an isolated process",
        SendsMessages = true,
        Placed = true,
        Emulates = true,
        RunsLoad = true,
    };

    /// <summary>How long a run whose start lost a silo waits for membership to drop it before it starts again.</summary>
    private static readonly TimeSpan _departureLimit = TimeSpan.FromSeconds(20);

    public async Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled)
    {
        var began = System.Diagnostics.Stopwatch.StartNew();
        var before = await ActiveSilosAsync();
        var (first, startLost) = await RunOnceAsync(spec, cancelled, since: null);
        if (!startLost || !WorkloadCatalog.Get(spec.Workload).Recovers || cancelled.IsCancellationRequested)
        {
            return first;
        }

        // A silo lost while the workers started: nothing was measured yet, and a workload that redoes lost work
        // starts the run again, once, on the survivors, as soon as membership no longer lists the lost silo.
        var departure = System.Diagnostics.Stopwatch.StartNew();
        while ((await ActiveSilosAsync()).Length >= before.Length && departure.Elapsed < _departureLimit && !cancelled.IsCancellationRequested)
        {
            await Task.Delay(_watchInterval, CancellationToken.None);
        }

        // The run started again has what is left of the time limit, counted from the first start: the client's bound
        // (the time limit and a grace for one start and the collection) was set for one run, not two.
        var survivors = (await ActiveSilosAsync()).Length;
        if (began.Elapsed >= TimeSpan.FromSeconds(spec.TimeLimitSeconds))
        {
            return first with { Failure = $"{first.Failure}; nothing was left of its time limit of {spec.TimeLimitSeconds:0.#} s to start it again" };
        }

        var (again, _) = await RunOnceAsync(spec, cancelled, since: began);
        var restarted = $"{first.Failure}; the run started again on the {survivors} surviving silo{(survivors == 1 ? "" : "s")}";
        return again with
        {
            Outcome = again.Outcome == Outcomes.Completed ? Outcomes.Recovered : again.Outcome,
            Failure = again.Failure is null ? restarted : $"{restarted}, then {again.Failure}",
            StartSeconds = first.StartSeconds + again.StartSeconds,
        };
    }

    /// <summary>
    /// One attempt at the run; <c>StartLost</c> when a silo was lost while its workers started (nothing measured). Its
    /// measured phase stops at the time limit, counted from the phase's start, or from <paramref name="since"/> (a run
    /// started again has what is left of its limit).
    /// </summary>
    private async Task<(EngineRun Run, bool StartLost)> RunOnceAsync(RunSpec spec, CancellationToken cancelled, System.Diagnostics.Stopwatch? since)
    {
        var workload = WorkloadCatalog.Get(spec.Workload);
        var runId = Guid.NewGuid().ToString("N");
        var workers = Enumerable.Range(0, spec.Workers)
            .Select(i => workload.ProcessWorker(grains, spec, ProcessKeys.Of(runId, spec.Placement, i)))
            .ToArray();

        try
        {
            // Every silo's sink opens, and reads its memory, before any worker starts. Once every worker has
            // started, every sink learns where each worker lives (so each message is counted as crossing silos or
            // not) and reads the memory its silo's workers added, just before the clock starts.
            var silos = await ActiveSilosAsync();
            var homes = new SiloAddress[spec.Workers];
            double startSeconds;
            try
            {
                await Task.WhenAll(silos.Select(s => OpenAsync(s, runId, acrossSilos: silos.Length > 1)));
                if (spec.Emulate != Emulation.Grain)
                {
                    // An emulated run's probes (a grain call's cost here, a carried message's) before the start's
                    // clock: the start is what a process's start costs, not the harness's probes (a few to tens of
                    // milliseconds each, up to four of them a run).
                    await Task.WhenAll(silos.Select(s => SiloProbeGrain.On(grains, s).Prepare(runId, spec)));
                }

                var starting = PhaseClock.Start();
                await ForEachAsync(workers, async (w, i) => homes[i] = await w.Start(new ProcessSetup(runId, i, spec)), cancelled);
                startSeconds = starting.Stop().WallSeconds;
                var names = silos.Union(homes).Select(s => s.Endpoint.ToString()).Distinct().ToArray();
                var ranks = homes.Select(h => (short)Array.IndexOf(names, h.Endpoint.ToString())).ToArray();
                var driver = (short)Array.IndexOf(names, here.SiloAddress.Endpoint.ToString());
                await Task.WhenAll(silos.Select(s => SiloProbeGrain.On(grains, s).Placed(runId, names, ranks, driver)));
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
            {
                // A silo lost while the workers start ends the attempt: the caller starts the run again when the
                // workload can, or it ends lost, as a loss in the measured phase does.
                return (new EngineRun
                {
                    Outcome = Outcomes.Lost,
                    Failure = $"{await LostAsync(silos, e.Message)} left the cluster while the workers were starting",
                    Silos = await CollectAsync(runId),
                }, true);
            }
            catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
            {
                return (new EngineRun { Outcome = Outcomes.Lost, Failure = $"{GivenUp.Reason} while the workers were starting", Silos = await CollectAsync(runId) }, false);
            }

            var sink = sinks.For(runId);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
            var limit = TimeSpan.FromSeconds(spec.TimeLimitSeconds) - (since?.Elapsed ?? TimeSpan.Zero);
            stop.CancelAfter(limit > TimeSpan.Zero ? limit : TimeSpan.Zero);
            var run = new ProcessRun(grains, workload, spec, runId, sink, stop.Token, homes, here.SiloAddress);
            var clock = PhaseClock.Start();
            var phase = workload.RunProcessesAsync(run);
            var watch = WatchAsync(homes.ToHashSet(), workload.Recovers, stop);
            string outcome;
            string? failure = null;
            ulong answer = 0;
            try
            {
                answer = await phase.WaitAsync(stop.Token);
                outcome = run.Recoveries > 0 ? Outcomes.Recovered : Outcomes.Completed;
                failure = run.Recoveries > 0
                    ? $"{await LostAsync(homes, run.LastFailure)} left the cluster during the run; {run.Recoveries} worker{(run.Recoveries == 1 ? "" : "s")} started again on the survivors"
                    : null;
            }
            catch (Exception e) when (e is not (ArgumentException or RunRefusedException))
            {
                outcome = Outcomes.Lost;

                // The watch cancels the phase before it returns the silo it saw leave: wait for it (it ends at once).
                var lostSilo = stop.IsCancellationRequested ? await watch : null;
                failure = stop.IsCancellationRequested
                    ? lostSilo is not null
                        ? $"silo {lostSilo} left the cluster during the run, and {spec.Workload} workers cannot redo their share elsewhere"
                        : cancelled.IsCancellationRequested ? GivenUp.Reason
                        : since is null ? $"the run passed its time limit of {spec.TimeLimitSeconds:0.#} s and was stopped"
                        : $"the run passed what was left of its time limit ({limit.TotalSeconds:0.#} s of {spec.TimeLimitSeconds:0.#} s; the first start had the rest) and was stopped"
                    : e is SiloUnavailableException or OrleansMessageRejectionException
                        ? $"{await LostAsync(homes, e.Message)} left the cluster during the run, and {spec.Workload} workers cannot redo their share elsewhere"
                        : $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                _ = phase.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed: the phase may still fail later
            }

            var (wall, _) = clock.Stop();
            await stop.CancelAsync();
            var reports = await CollectAsync(runId);
            return (new EngineRun
            {
                WallSeconds = wall,
                CpuSeconds = reports.Sum(r => r.CpuSeconds),
                Answer = answer,
                Memory = MemoryGrowth.Across([.. reports.Select(r => r.Memory).OfType<SiloMemory>()], spec.Workers),
                Silos = reports,
                Outcome = outcome,
                Failure = failure,
                StartSeconds = startSeconds,
                RunId = runId,
            }, false);
        }
        finally
        {
            await StopAllAsync(workers);
            sinks.Close(runId);
        }
    }

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo, CancellationToken cancelled) =>
        new Load.LoadDriver(grains, spec with { Concurrency = workers }, silo, machine, membership).RunAsync(cancelled);

    /// <summary>
    /// Reads membership every second until the phase ends. When a silo that holds workers leaves, a workload
    /// that cannot recover is stopped at once; the lost silo is returned.
    /// </summary>
    private async Task<string?> WatchAsync(HashSet<SiloAddress> homes, bool recovers, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(_watchInterval, stop.Token);
                var active = (await ActiveSilosAsync()).ToHashSet();
                if (homes.FirstOrDefault(h => !active.Contains(h)) is { } lost && !recovers)
                {
                    await stop.CancelAsync();
                    return lost.Endpoint.ToString();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return null;
    }

    /// <summary>
    /// The silos that held workers and are no longer active, named in one line ("silo 10.0.0.7:11111"); when
    /// membership has not declared one dead yet, the silo the failed call was addressed to, read from its message.
    /// </summary>
    private async Task<string> LostAsync(IReadOnlyCollection<SiloAddress> homes, string? failure)
    {
        var active = (await ActiveSilosAsync()).ToHashSet();
        var lost = homes.Where(h => !active.Contains(h)).Select(h => h.Endpoint.ToString()).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (lost.Length > 0)
        {
            return $"silo{(lost.Length > 1 ? "s" : "")} {string.Join(", ", lost)}";
        }

        // "...unavailable for message: Request [S10.0.0.7:11111:12345 coordinator/...]->[S10.0.0.8:11111:6789 lanedriver/...]"
        var target = failure is null ? null : System.Text.RegularExpressions.Regex.Match(failure, @"\]->\[S([^ :]+:\d+):");
        return target is { Success: true } ? $"silo {target.Groups[1].Value}" : "a silo";
    }

    /// <summary>
    /// The active silos in this silo's view of membership. Not <c>IManagementGrain.GetHosts</c>: it reads the
    /// membership table first, and fails while the table's store (Redis) is down, which a run need not.
    /// </summary>
    private Task<SiloAddress[]> ActiveSilosAsync() => Task.FromResult(ActiveSilos.In(membership));

    /// <summary>
    /// Opens <paramref name="silo"/>'s sink for the run. A silo that has just joined is active in membership a
    /// moment before placement knows it hosts these grains (placement refuses it as not active): while membership
    /// still lists it, the open is tried again, for up to 5 s.
    /// </summary>
    private async Task OpenAsync(SiloAddress silo, string runId, bool acrossSilos)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SiloProbeGrain.On(grains, silo).Open(runId, acrossSilos);
                return;
            }
            catch (InvalidOperationException) when (attempt < 20 && ActiveSilos.In(membership).Contains(silo))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    /// <summary>What every active silo's sink holds of this run, read after the clock stopped.</summary>
    private async Task<IReadOnlyList<SiloSinkReport>> CollectAsync(string runId)
    {
        var silos = await ActiveSilosAsync();
        var reports = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                return await SiloProbeGrain.On(grains, silo).Close(runId).WaitAsync(_cleanupLimit);
            }
            catch (Exception)
            {
                return null; // the silo left meanwhile: its figures are lost with it
            }
        }));
        return reports.OfType<SiloSinkReport>().Where(r => r.Workers > 0 || r.Messages > 0 || r.Ledger.Sent > 0)
            .OrderBy(r => r.Silo, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Stops every worker, best effort and bounded: a worker on a lost silo is not waited for.</summary>
    private static async Task StopAllAsync(IProcessWorker[] workers)
    {
        try
        {
            await ForEachAsync(workers, async (w, _) =>
            {
                try
                {
                    await w.Stop().WaitAsync(_cleanupLimit);
                }
                catch (Exception)
                {
                    // Its silo is gone (or going): nothing is left to stop.
                }
            });
        }
        catch (Exception)
        {
        }
    }

    private static Task ForEachAsync(IProcessWorker[] workers, Func<IProcessWorker, int, Task> action, CancellationToken cancelled = default) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, workers.Length),
            new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, TaskScheduler = TaskScheduler.Current, CancellationToken = cancelled },
            async (i, _) => await action(workers[i], i));
}
