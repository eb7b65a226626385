using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>Hosts one <see cref="SharedMemoryPool"/> run in the silo it is activated on.</summary>
internal interface IThreadPoolGrain : IGrainWithGuidKey
{
    /// <summary>Runs <paramref name="spec"/> on dedicated threads, with or without an interpreter lock.</summary>
    Task<EngineRun> Run(RunSpec spec, bool interpreterLock);

    /// <summary>Runs a load test's population as shared-memory objects called by <paramref name="threads"/> threads.</summary>
    Task<RunResult> RunLoad(LoadSpec spec, int threads, bool interpreterLock, string model, MachineInfo machine);
}
