using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Thread;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Gil;

/// <summary>The <c>gil</c> model: the thread pool, with an <see cref="InterpreterLock"/> its workers must hold to compute.</summary>
internal sealed class GilEngine(IGrainFactory grains) : IModelEngine
{
    public string Model => Models.Gil;

    public Task<EngineRun> RunAsync(RunSpec spec) =>
        grains.GetGrain<IThreadPoolGrain>(Guid.NewGuid()).Run(spec, interpreterLock: true);

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo) =>
        grains.GetGrain<IThreadPoolGrain>(Guid.NewGuid()).RunLoad(spec, workers, interpreterLock: true, Model, machine);
}
