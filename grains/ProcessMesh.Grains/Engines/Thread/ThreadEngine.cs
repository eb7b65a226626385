using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>The <c>thread</c> model: dedicated OS threads in one silo sharing one memory region.</summary>
internal sealed class ThreadEngine(IGrainFactory grains) : IModelEngine
{
    public string Model => Models.Thread;

    public Task<EngineRun> RunAsync(RunSpec spec) =>
        grains.GetGrain<IThreadPoolGrain>(Guid.NewGuid()).Run(spec, interpreterLock: false);

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo) =>
        grains.GetGrain<IThreadPoolGrain>(Guid.NewGuid()).RunLoad(spec, workers, interpreterLock: false, Model, machine);
}
