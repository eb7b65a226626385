using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Gil;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>
/// Starts a pool of dedicated threads and awaits it: the grain's turn is suspended, never blocking an Orleans
/// scheduler thread. Placed on the caller's silo, so the coordinator's silo hosts the threads it measures.
/// </summary>
[PreferLocalPlacement]
internal sealed class ThreadPoolGrain : Grain, IThreadPoolGrain
{
    public async Task<EngineRun> Run(RunSpec spec, bool interpreterLock)
    {
        try
        {
            IInterpreterLock gil = interpreterLock ? new InterpreterLock(spec.SwitchIntervalMs) : NoInterpreterLock.Instance;
            return await new SharedMemoryPool(spec, gil).RunAsync();
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    public async Task<RunResult> RunLoad(LoadSpec spec, int threads, bool interpreterLock, string model, MachineInfo machine)
    {
        try
        {
            IInterpreterLock gil = interpreterLock ? new InterpreterLock(new RunSpec().SwitchIntervalMs) : NoInterpreterLock.Instance;
            return await new SharedMemoryLoad(spec, threads, gil).RunAsync(model, machine);
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}
