using ProcessMesh.Contracts;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>
/// What the os model refuses before anything starts, naming the setting: a workload it does not run, an IPC
/// it does not have, and more worker processes than this machine can hold at their real footprint. The engine
/// checks on the silo that would start the processes; the CLI checks first on its embedded silo's machine (this one).
/// </summary>
public static class OsAdmission
{
    /// <summary>Headroom over one idle worker's measured resident set: a running worker loads more code and buffers.</summary>
    public const double FootprintHeadroom = 1.5;

    /// <summary>
    /// Null when this machine can run <paramref name="spec"/> (resolved) as real processes, else why not. With
    /// <paramref name="memory"/>, the memory check (which starts one idle worker process, once, to measure it) too.
    /// </summary>
    public static async Task<Refusal?> CheckAsync(RunSpec spec, bool memory = true)
    {
        if (!MeshProtocol.Workloads.Contains(spec.Workload.Name))
        {
            return new Refusal(RefusedSetting.Workload, $"the os model runs {string.Join(", ", MeshProtocol.Workloads)}, not {spec.Workload.Name}");
        }

        if (spec.Ipc is { } ipc && !Emulation.OsIpcs.Contains(ipc))
        {
            return new Refusal(RefusedSetting.Ipc, $"the os model talks over {string.Join(", ", Emulation.OsIpcs)}, not {ipc}");
        }

        if (spec.Workload.Name == "ring" && spec.Workers == 1 && spec.PayloadBytes > 16 * 1024)
        {
            return new Refusal(RefusedSetting.Payload, "a one-worker os ring passes the token to itself through one kernel buffer; give at most 16 KiB, or more workers");
        }

        if (!memory)
        {
            return null;
        }

        var perWorker = (await WorkerFootprint.ResidentBytesAsync() * FootprintHeadroom) + spec.MemoryBytes;
        var need = spec.Workers * perWorker;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var usable = available * Admission.UsableFraction;
        return need <= usable
            ? null
            : new Refusal(
                RefusedSetting.Workers,
                $"{spec.Workers:N0} os worker processes need about {Bytes.Format(need)} ({Bytes.Format(perWorker)} each: a worker process's measured resident set with {FootprintHeadroom - 1:P0} headroom, plus its private memory), " +
                $"more than the {Bytes.Format(usable)} this machine can give a run ({Admission.UsableFraction:P0} of {Bytes.Format(available)} available)");
    }
}
