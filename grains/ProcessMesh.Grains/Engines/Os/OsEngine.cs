using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
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
    /// <summary>Headroom over one idle worker's measured resident set: a running worker loads more code and buffers.</summary>
    public const double FootprintHeadroom = 1.5;

    public string Model => Models.Os;

    public async Task<EngineRun> RunAsync(RunSpec spec)
    {
        if (await RefusalAsync(spec) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }

        // Off the grain's scheduler: the run blocks threads on its links and waits on processes.
        return await Task.Run(() => new OsMesh(spec with { Ipc = spec.Ipc ?? Emulation.OsIpcs[0] }, silo.SiloAddress.Endpoint.ToString()).RunAsync());
    }

    /// <summary>Null when this silo can run <paramref name="spec"/> as real processes, else why not, in one line naming the option.</summary>
    public static async Task<string?> RefusalAsync(RunSpec spec)
    {
        if (!MeshProtocol.Workloads.Contains(spec.Workload.Name))
        {
            return $"--workload: the os model runs {string.Join(", ", MeshProtocol.Workloads)}, not {spec.Workload.Name}";
        }

        if (spec.Ipc is { } ipc && !Emulation.OsIpcs.Contains(ipc))
        {
            return $"--ipc: the os model talks over {string.Join(", ", Emulation.OsIpcs)}, not {ipc}";
        }

        if (spec.Workload.Name == "ring" && spec.Workers == 1 && spec.PayloadBytes > 16 * 1024)
        {
            return "--payload: a one-worker os ring passes the token to itself through one kernel buffer; give at most 16 KiB, or more --workers";
        }

        var perWorker = (await WorkerFootprint.ResidentBytesAsync() * FootprintHeadroom) + spec.MemoryBytes;
        var need = spec.Workers * perWorker;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var usable = available * Admission.UsableFraction;
        return need <= usable
            ? null
            : $"--workers: {spec.Workers:N0} os worker processes need about {Bytes.Format(need)} ({Bytes.Format(perWorker)} each: a worker process's measured resident set with {FootprintHeadroom - 1:P0} headroom, plus --memory), " +
              $"more than the {Bytes.Format(usable)} this machine can give a run ({Admission.UsableFraction:P0} of {Bytes.Format(available)} available)";
    }

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain coordinator) =>
        throw new ArgumentException("--model os: load tests run process, thread and gil populations; os runs workloads");
}
