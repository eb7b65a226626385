using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Hybrid;

/// <summary>
/// The <c>hybrid</c> model, as MPI + threads: one shared-memory pool per silo (at most one per worker), each
/// running a contiguous share of the work on its own threads, and the pools' partial answers travelling to the
/// coordinator by message. Inside a pool threads share memory; between pools only messages pass. It runs the
/// workloads whose answer adds up over disjoint shares (<see cref="IWorkload.Splits"/>).
/// </summary>
internal sealed class HybridEngine(IGrainFactory grains, ILocalSiloDetails here, IClusterMembershipService membership) : IModelEngine
{
    public ModelTraits Traits { get; } = new()
    {
        Name = Models.Hybrid,
        Description = "a thread pool per silo, each on a share of the work: threads inside a pool, messages between pools (MPI + threads)",
        Threads = true,
        SendsMessages = true,
    };

    public bool Runs(IWorkload workload) => workload.Splits;

    public Task<Refusal?> RefuseAsync(RunSpec spec) => Task.FromResult(
        WorkloadCatalog.Get(spec.Workload).Splits
            ? null
            : new Refusal(
                RefusedSetting.Model,
                $"hybrid does not run {spec.Workload}: it does not split into independent shares (hybrid runs {string.Join(", ", WorkloadCatalog.All.Where(w => w.Splits).Select(w => w.Name.Name))})"));

    public async Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled)
    {
        if (await RefuseAsync(spec) is { } refusal)
        {
            throw refusal.Exception();
        }

        // This silo's view of membership, not the table: a run can start while the table's store (Redis) is down.
        var silos = ActiveSilos.In(membership).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        var pools = Math.Min(silos.Length, spec.Workers);
        var runId = Guid.NewGuid().ToString("N");
        var clock = PhaseClock.Start();
        var parts = await Task.WhenAll(Enumerable.Range(0, pools).Select(p =>
        {
            var share = spec with { Workers = (int)WorkSplit.Share(spec.Workers, pools, p), Work = WorkSplit.Share(spec.Work, pools, p) };
            return grains.GetGrain<IHybridPoolGrain>($"{silos[p].ToParsableString()}|{runId}")
                .Run(share, WorkSplit.Start(spec.Work, pools, p), cancelled);
        }));
        var (wall, _) = clock.Stop();

        // Each pool's share and its reply are one call and one answer: the only messages between pools, crossing
        // silos unless the pool shares the coordinator's. Memory per worker is every pool's growth over all workers.
        var coordinator = here.SiloAddress.Endpoint.ToString();
        return new EngineRun
        {
            WallSeconds = wall,
            CpuSeconds = parts.Sum(p => p.CpuSeconds),
            Answer = parts.Aggregate(0UL, (sum, p) => unchecked(sum + p.Answer)),
            Memory = Pooled(parts, spec.Workers),
            Silos = parts.SelectMany(p => p.Silos).Select(s => s with
            {
                Messages = s.Messages + 2,
                CrossSiloMessages = s.CrossSiloMessages + (s.Silo == coordinator ? 0 : 2),
                Ledger = s.Ledger + new Ledger(1, 1, 0),
            }).ToArray(),
        };
    }

    /// <summary>Memory per worker over every pool: each pool's per-worker figures weighted by its workers.</summary>
    private static MemoryGrowth Pooled(EngineRun[] parts, int workers)
    {
        var perPool = parts.Select((p, i) => (p.Memory, Workers: WorkSplit.Share(workers, parts.Length, i))).ToArray();
        return new MemoryGrowth(
            perPool.Sum(p => p.Memory.ResidentPerWorker * p.Workers) / workers,
            perPool.Sum(p => p.Memory.HeapPerWorker * p.Workers) / workers,
            perPool.All(p => p.Memory.BelowResolution),
            perPool.Sum(p => p.Memory.ResolutionPerWorker * p.Workers) / workers);
    }

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo, CancellationToken cancelled) =>
        throw new RunRefusedException(RefusedSetting.Model, "hybrid runs workloads, not load tests (load tests run process, thread and gil populations)");
}
