using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains;

/// <summary>
/// Runs one experiment inside the cluster: resolves and admits the spec, hands it to the model's engine, and
/// checks and summarises what the engine measured.
/// </summary>
[PreferLocalPlacement]
internal sealed class CoordinatorGrain(IEnumerable<IModelEngine> engines, IGrainFactory grains) : Grain, ICoordinatorGrain
{
    public async Task<RunResult> Run(RunSpec spec)
    {
        spec = spec.Resolve();
        var engine = Engine(spec.Model);

        var machine = await Describe();
        var refusal = Admission.Check(spec, machine.MemoryBytes);
        if (refusal is not null)
        {
            throw new ArgumentException(refusal);
        }

        var run = await engine.RunAsync(spec);
        var expected = Answers.Expected(spec);
        var lost = spec.Workload == Workload.Counter && run.Answer < expected ? (long)(expected - run.Answer) : 0;
        DeactivateOnIdle();
        return Telemetry.ProcessMeshMetrics.Record(new RunResult
        {
            Model = spec.Model,
            Workload = spec.Workload.ToString().ToLowerInvariant(),
            Workers = spec.Workers,
            Silos = machine.Silos,
            Work = spec.Work,
            Granularity = spec.Granularity,
            Sync = Models.IsSingleSilo(spec.Model) ? spec.Sync.ToString().ToLowerInvariant() : null,
            WallSeconds = run.WallSeconds,
            WallSecondsMin = run.WallSeconds,
            WallSecondsMax = run.WallSeconds,
            Throughput = run.WallSeconds > 0 ? spec.Work / run.WallSeconds : 0,
            Messages = run.Messages,
            PayloadBytes = run.PayloadBytes,
            MemoryPerWorkerBytes = run.MemoryPerWorkerBytes,
            CpuSeconds = run.CpuSeconds,
            CpuUtilisation = run.WallSeconds > 0 ? run.CpuSeconds / (run.WallSeconds * machine.Cores) : 0,
            Latency = LatencyRecorder.Decode(run.Latency).Summarize(),
            Correct = run.Answer == expected,
            Expected = expected.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Actual = run.Answer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LostUpdates = lost,
            Machine = machine,
            PayloadBytesPerMessage = spec.PayloadBytes,
            MemoryBytesRequested = spec.MemoryBytes,
        });
    }

    public async Task<RunResult> RunLoad(string model, LoadSpec spec, int workers)
    {
        var engine = Engine(model);
        var machine = await Describe();
        if (Admission.Check(spec, machine.MemoryBytes) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }

        // The engine reads the silo through this grain object directly, not through a grain call to itself.
        return Telemetry.ProcessMeshMetrics.Record(await engine.RunLoadAsync(spec with { Path = LoadPaths.Hosted }, workers, machine, this));
    }

    public Task<long> LiveHeapBytes() => Task.FromResult(GC.GetTotalMemory(forceFullCollection: true));

    public Task<double> CpuSeconds()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return Task.FromResult(process.TotalProcessorTime.TotalSeconds);
    }

    private IModelEngine Engine(string model) => engines.FirstOrDefault(e => e.Model == model)
        ?? throw new ArgumentException($"--model: this cluster has no '{model}' model (it has {string.Join(", ", engines.Select(e => e.Model))})");

    public async Task<MachineInfo> Describe()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return MachineInfo.Current(Math.Max(1, hosts.Count));
    }
}
