using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>
/// The <c>os</c> model: every worker is a real <c>ProcessMesh.Worker</c> OS process started by this silo, running
/// the same kernels as the other models and talking to the other workers directly over a real pipe, Unix socket
/// or TCP loopback (<see cref="OsMesh"/>). The ground truth the emulated process model answers to. Refuses, before
/// anything starts, a workload it does not run, an IPC it does not have, and more processes than this machine can
/// hold at their real footprint.
/// </summary>
internal sealed class OsEngine(ILocalSiloDetails silo) : IModelEngine
{
    public ModelTraits Traits { get; } = new()
    {
        Name = Models.Os,
        Description = "a real OS process (ProcessMesh.Worker) started by the silo, talking over a real pipe, Unix socket or TCP loopback",
        SingleSilo = true,
        SendsMessages = true,
    };

    public bool Runs(IWorkload workload) => MeshProtocol.Workloads.Contains(workload.Name.Name);

    public Task<Refusal?> RefuseAsync(RunSpec spec) => OsAdmission.CheckAsync(spec);

    public async Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled)
    {
        if (await RefuseAsync(spec) is { } refusal)
        {
            throw refusal.Exception();
        }

        // Off the grain's scheduler: the run blocks threads on its links and waits on processes.
        return await Task.Run(() => new OsMesh(spec with { Ipc = spec.Ipc ?? Emulation.OsIpcs[0] }, silo.SiloAddress.Endpoint.ToString()).RunAsync(cancelled));
    }

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain coordinator, CancellationToken cancelled) =>
        throw new RunRefusedException(RefusedSetting.Model, "os runs workloads, not load tests (load tests run process, thread and gil populations)");
}
