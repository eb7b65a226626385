using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>
/// The <c>thread</c> model: dedicated OS threads in the coordinator's silo sharing one memory region, with no
/// interpreter lock. The engine awaits the pool; no Orleans scheduler thread ever blocks on it.
/// </summary>
internal sealed class ThreadEngine(ILocalSiloDetails silo, IGrainFactory grains) : IModelEngine
{
    public ModelTraits Traits { get; } = new()
    {
        Name = Models.Thread,
        Description = "a dedicated OS thread in one in-silo pool, sharing one memory region with the others",
        SingleSilo = true,
        Threads = true,
        RunsLoad = true,
    };

    public Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled) =>
        new SharedMemoryPool(spec, NoInterpreterLock.Instance, silo.SiloAddress.Endpoint.ToString()).RunAsync(cancelled);

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain coordinator, CancellationToken cancelled) =>
        new SharedMemoryLoad(spec, workers, NoInterpreterLock.Instance).RunAsync(Traits.Name, machine, grains, coordinator.GetPrimaryKey(), cancelled);
}
