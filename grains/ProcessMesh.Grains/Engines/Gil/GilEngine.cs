using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Gil;

/// <summary>
/// The <c>gil</c> model: the shared-memory pool of the <c>thread</c> model, whose threads must hold one
/// <see cref="InterpreterLock"/> per run to compute, as CPython's do.
/// </summary>
internal sealed class GilEngine(ILocalSiloDetails silo, IGrainFactory grains) : IModelEngine
{
    public ModelTraits Traits { get; } = new()
    {
        Name = Models.Gil,
        Description = "a thread worker that must hold its pool's interpreter lock to compute, as CPython threads do",
        SingleSilo = true,
        Threads = true,
        RunsLoad = true,
    };

    public Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled) =>
        new SharedMemoryPool(spec, new InterpreterLock(spec.SwitchIntervalMs), silo.SiloAddress.Endpoint.ToString()).RunAsync(cancelled);

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain coordinator, CancellationToken cancelled) =>
        new SharedMemoryLoad(spec, workers, new InterpreterLock(RunSpec.DefaultSwitchIntervalMs)).RunAsync(Traits.Name, machine, grains, coordinator.GetPrimaryKey(), cancelled);
}
