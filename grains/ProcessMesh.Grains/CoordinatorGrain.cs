using System.Globalization;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines;
using ProcessMesh.Grains.Engines.Process.Emulated;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Load;

namespace ProcessMesh.Grains;

/// <summary>
/// Runs one experiment inside the cluster: resolves and admits the spec, hands it to the model's engine, and
/// checks and summarises what the engine measured.
/// </summary>
[PreferLocalPlacement]
internal sealed class CoordinatorGrain(IEnumerable<IModelEngine> engines, IGrainFactory grains, ProcessCosts processCosts, ILocalSiloDetails here, IClusterMembershipService membership) : Grain, ICoordinatorGrain
{
    /// <summary>A measured phase shorter than this is mostly start-up, and the record says so.</summary>
    public const double SteadyStateSeconds = 0.2;

    /// <summary>Cancelled by <see cref="Cancel"/>: the client gave up on this coordinator's run.</summary>
    private readonly CancellationTokenSource _cancelled = new();

    public async Task Admit(RunSpec spec)
    {
        await AdmitAsync(spec);
        DeactivateOnIdle();
    }

    public async Task<RunResult> Run(RunSpec spec)
    {
        (spec, var workload, var engine, var costs, var machine) = await AdmitAsync(spec);
        var run = await engine.RunAsync(spec, _cancelled.Token);

        if (run.Outcome != Outcomes.Completed)
        {
            // The machine line counts the silos that finished the run: one lost on the way is not among them.
            machine = await Describe();
        }

        DeactivateOnIdle();
        var expected = workload.Expected(spec);
        var lost = workload.CountsLostUpdates && run.Outcome != Outcomes.Lost && run.Answer < expected ? (long)(expected - run.Answer) : 0;
        var ledger = run.Silos.Aggregate(default(Ledger), (all, s) => all + s.Ledger);
        var unitsDone = run.Silos.Sum(s => s.UnitsDone);
        var crossSilo = run.Silos.Sum(s => s.CrossSiloMessages);
        var notes = new List<string>();
        if (run.WallSeconds < SteadyStateSeconds)
        {
            notes.Add($"the measured phase took {run.WallSeconds * 1000:0.#} ms, under {SteadyStateSeconds * 1000:0} ms: mostly start-up, not steady state; give it more work");
        }

        if (costs is not null)
        {
            notes.Add($"{costs.Describe()}; each message pays its calibrated cost less what a grain call already costs here: the one way its own call took, from its sender's stamp, and the probed CPU " +
                      (processCosts.GrainCallOf(run.RunId) is { } call
                          ? $"({call.OneWayMicros:0.0} µs one way, {call.CpuMicros:0.0} µs of CPU: of up to {GrainCallReadings.Kept} recent probes on the coordinator's silo, the last measured for this run, the median one way and the least CPU; each {ProcessCosts.ProbeRounds} rounds of {ProcessCosts.ProbeRoundTrips} round trips, half the median one and the fastest round's CPU; the one way only for a message without a stamp)"
                          : "(measured for this run on each silo that holds workers)")
                      + (processCosts.CarryingOf(run.RunId) is { } carrying
                          ? $"; and what carrying a message costs beyond the call and its burns, {carrying.TakenOffMicros:0.0} µs of CPU (probed with {carrying.Pairs} pair{(carrying.Pairs == 1 ? "" : "s")} of grains carrying as this run's workers do, until a message cost the calibrated {carrying.TargetMicros:0.0} µs in all: {string.Join(", then ", carrying.CpuMicrosByStep.Select(c => $"{c:0.0}"))} µs of CPU a message)"
                          : ""));
            var (hosts, rank) = processCosts.HostsAndRank();
            if (costs.ForWorkersOn(spec.Workers, spec.Placement, hosts, rank) is { Crowding: > 0 } crowded)
            {
                notes.Add($"{crowded.Workers} {costs.Profile} processes on {costs.Calibration.Machine.Cores} cores{(crowded.Workers < spec.Workers ? " (the coordinator's machine's share)" : "")}: crowded {crowded.Crowding:P0} of the way to the calibrated crowd of {costs.Calibration.Process(costs.Profile)?.Contention?.Processes}, so a message costs {crowded.OneWayMicros(CostModel.MessageBytes(spec)):0.0} µs one way and {crowded.SenderCpuMicros(CostModel.MessageBytes(spec)) + crowded.ReceiverCpuMicros(CostModel.MessageBytes(spec)):0.0} µs of CPU (a quiet pair's: {costs.OneWayMicros(CostModel.MessageBytes(spec)):0.0} µs, {costs.SenderCpuMicros(CostModel.MessageBytes(spec)) + costs.ReceiverCpuMicros(CostModel.MessageBytes(spec)):0.0} µs)");
            }
        }

        var modelled = costs is not null && spec.Footprint == Emulation.Modelled;
        var footprint = costs?.FootprintBytesFor(spec.Workers) ?? 0;
        var startCpu = costs?.StartPaidFor(spec.Workers).CpuMicros ?? 0;
        var modelledStart = modelled ? spec.Workers * startCpu / 1e6 / Math.Max(1, machine.ClusterCores) : 0;
        if (modelled)
        {
            notes.Add($"footprint modelled, not allocated: memory per worker adds {Bytes.Format(footprint)} per {costs!.Profile} process; " +
                      $"a real deployment of {spec.Workers:N0} would need about {Bytes.Format(Admission.EstimateBytes(spec, engine.Traits.Threads, costs))}; " +
                      $"start modelled too: {spec.Workers:N0} × {startCpu / 1000:0.#} ms of CPU over {machine.ClusterCores} cores added to startSeconds");
        }

        return Telemetry.ProcessMeshMetrics.Record(new RunResult
        {
            Model = spec.Model,
            Workload = spec.Workload.Name,
            Workers = spec.Workers,
            Silos = machine.Silos,
            Work = spec.Work,
            Granularity = spec.Granularity,
            Sync = engine.Traits.Threads ? spec.Sync.ToString().ToLowerInvariant() : null,
            Placement = engine.Traits.Placed ? spec.Placement : null,
            WallSeconds = run.WallSeconds,
            WallSecondsMin = run.WallSeconds,
            WallSecondsMax = run.WallSeconds,
            Throughput = run.WallSeconds > 0 ? spec.Work / run.WallSeconds : 0,
            SpeedupApplies = workload.HasSpeedup,
            Messages = run.Silos.Sum(s => s.Messages),
            PayloadBytes = run.Silos.Sum(s => s.PayloadBytes),
            MemoryPerWorkerBytes = run.Memory.ResidentPerWorker + (modelled ? footprint : 0),
            HeapPerWorkerBytes = run.Memory.HeapPerWorker,
            MemoryBelowResolution = run.Memory.BelowResolution,
            MemoryResolutionBytes = run.Memory.ResolutionPerWorker,
            CpuSeconds = run.CpuSeconds,
            CpuUtilisation = run.WallSeconds > 0 ? run.CpuSeconds / (run.WallSeconds * machine.ClusterCores) : 0,
            Latency = LatencyRecorder.Merge(run.Silos.SelectMany(s => new[] { s.LocalLatency, s.CrossSiloLatency })).Summarize(),
            CrossSiloMessages = engine.Traits.SingleSilo ? null : crossSilo,
            LocalMessages = engine.Traits.SingleSilo ? null : run.Silos.Sum(s => s.Messages) - crossSilo,
            CrossSiloLatency = crossSilo > 0 ? LatencyRecorder.Merge(run.Silos.Select(s => s.CrossSiloLatency)).Summarize() : null,
            LocalLatency = crossSilo > 0 ? LatencyRecorder.Merge(run.Silos.Select(s => s.LocalLatency)).Summarize() : null,
            Correct = run.Outcome != Outcomes.Lost && run.Answer == expected,
            Expected = expected.ToString(CultureInfo.InvariantCulture),
            Actual = run.Answer.ToString(CultureInfo.InvariantCulture),
            LostUpdates = lost,
            Machine = machine,
            PayloadBytesPerMessage = spec.PayloadBytes,
            MemoryBytesRequested = spec.MemoryBytes,
            Notes = notes,
            PerSilo = run.Silos.Select(s => new SiloFigures { Silo = s.Silo, Workers = s.Workers, Messages = s.Messages, HeapBytes = s.HeapBytes, CpuSeconds = s.CpuSeconds }).ToArray(),
            // Every call is either answered or, if it never was (its silo was lost, or the run ended first), failed.
            Ledger = !engine.Traits.SendsMessages ? null : new MessageLedger { Sent = ledger.Sent, Delivered = ledger.Delivered, Failed = ledger.Sent - ledger.Delivered },
            Outcome = run.Outcome,
            Failure = run.Failure,
            LostWork = run.Outcome == Outcomes.Lost ? Math.Max(0, spec.Work - unitsDone) : 0,
            Emulate = engine.Traits.Emulates ? spec.Emulate : null,
            Ipc = costs?.Ipc ?? run.Ipc,
            Footprint = costs is null ? null : spec.Footprint,
            StartSeconds = run.StartSeconds + modelledStart,
            Calibration = costs is null ? null : new CalibrationRef { Machine = costs.Calibration.Machine.Name, MeasuredAt = costs.Calibration.MeasuredAt },
            PssPerWorkerBytes = run.PssPerWorkerBytes,
        });
    }

    public async Task AdmitLoad(string model, LoadSpec spec)
    {
        await AdmitLoadAsync(model, spec);
        DeactivateOnIdle();
    }

    public async Task<RunResult> RunLoad(string model, LoadSpec spec, int workers)
    {
        var (engine, machine) = await AdmitLoadAsync(model, spec);

        // The engine reads the silo through this grain object directly, not through a grain call to itself.
        return Telemetry.ProcessMeshMetrics.Record(await engine.RunLoadAsync(spec with { Path = LoadPaths.Hosted }, workers, machine, this, _cancelled.Token));
    }

    public Task Cancel()
    {
        _cancelled.Cancel();
        return Task.CompletedTask;
    }

    public Task<SiloAddress> Home() => Task.FromResult(here.SiloAddress);

    public Task<SiloAddress[]> Silos() => Task.FromResult(ActiveSilos.In(membership).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray());

    public Task<long> LiveHeapBytes() => Task.FromResult(GC.GetTotalMemory(forceFullCollection: true));

    public Task<double> CpuSeconds() => Task.FromResult(PhaseClock.ProcessCpuSeconds());

    /// <summary>
    /// Admission, in one place: resolves <paramref name="spec"/> and refuses (<see cref="RunRefusedException"/>, naming
    /// the setting) what this cluster cannot run: the workload's own limits, an emulation on a model that has none, a
    /// calibration of another machine, what the model's engine refuses, and memory this silo's machine cannot hold.
    /// </summary>
    private async Task<(RunSpec Spec, IWorkload Workload, IModelEngine Engine, CostModel? Costs, MachineInfo Machine)> AdmitAsync(RunSpec spec)
    {
        var engine = Engine(spec.Model);
        var max = engine.Traits.MaxWorkers;
        if (spec.Workers < 1 || spec.Workers > max)
        {
            throw new RunRefusedException(RefusedSetting.Workers, $"{spec.Model} takes 1 to {max:N0} workers (got {spec.Workers:N0})");
        }

        var workload = WorkloadCatalog.Get(spec.Workload);
        spec = workload.Resolve(spec);
        if (workload.Check(spec) is { } problem)
        {
            throw problem.Exception();
        }

        if (spec.Emulate != Emulation.Grain && !engine.Traits.Emulates)
        {
            throw new RunRefusedException(RefusedSetting.Model, $"only the process model emulates processes ({spec.Model} workers are threads)");
        }

        if (await engine.RefuseAsync(spec) is { } refused)
        {
            throw refused.Exception();
        }

        // An emulated process's costs, as this silo reads them (each worker reads its own silo's): for admission and the record.
        var costs = await processCosts.ForAsync(spec);
        var machine = await Describe();
        if (Admission.Check(spec, engine.Traits.Threads, machine.MemoryBytes, costs) is { } refusal)
        {
            throw refusal.Exception();
        }

        return (spec, workload, engine, costs, machine);
    }

    /// <summary>Admission of a load test: a calibration of another machine, and a population this silo's machine cannot hold.</summary>
    private async Task<(IModelEngine Engine, MachineInfo Machine)> AdmitLoadAsync(string model, LoadSpec spec)
    {
        if (CalibrationJson.WhyNotFor(spec.Calibration) is { } elsewhere)
        {
            throw new RunRefusedException(RefusedSetting.Calibration, elsewhere);
        }

        var engine = Engine(model);
        var machine = await Describe();
        if (Admission.Check(spec, machine.MemoryBytes) is { } refusal)
        {
            throw refusal.Exception();
        }

        return (engine, machine);
    }

    private IModelEngine Engine(string model) => engines.FirstOrDefault(e => e.Traits.Name == model)
        ?? throw new RunRefusedException(RefusedSetting.Model, $"this cluster has no '{model}' model (it has {string.Join(", ", Catalog.CatalogGrain.Of(engines).ModelNames)})");

    public async Task<MachineInfo> Describe()
    {
        // This silo's view of membership, not the table: a run can start while the table's store (Redis) is down.
        var hosts = ActiveSilos.In(membership);
        var silos = await Task.WhenAll(hosts.Select(async silo =>
        {
            try
            {
                return await SiloProbeGrain.On(grains, silo).Machine().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                return null; // a silo leaving now is not one the run can use
            }
        }));
        return MachineInfo.Current(Math.Max(1, hosts.Length)) with
        {
            SiloMachines = [.. silos.OfType<SiloMachine>().OrderBy(m => m.Silo, StringComparer.Ordinal)],
        };
    }
}
