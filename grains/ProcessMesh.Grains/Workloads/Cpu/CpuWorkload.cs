using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Cpu;

/// <summary>
/// <c>cpu</c>: pure compute, split across workers. A process computes each chunk it is sent and replies with the
/// partial sum; a thread computes its share a chunk at a time and adds each chunk's sum into shared memory.
/// </summary>
public sealed class CpuWorkload : LaneWorkload<ICpuProcess>
{
    private const long Chunk = 1_000;

    /// <inheritdoc />
    public override Workload Name => Workload.Cpu;

    /// <inheritdoc />
    public override string Summary => "pure compute, split across workers";

    /// <inheritdoc />
    public override string Unit => "units";

    /// <summary>At least 400,000 units, and 20 chunks per worker, so every worker reaches its steady pace.</summary>
    public override RunSpec Resolve(RunSpec spec)
    {
        var granularity = spec.Granularity > 0 ? spec.Granularity : Chunk;
        return spec.Resolve(Math.Max(400_000, spec.Workers * 20 * granularity), granularity);
    }

    /// <summary>Chunks hold no state between messages: a lost worker starts again on a survivor and its chunk is redone.</summary>
    public override bool Recovers => true;

    /// <inheritdoc />
    public override long QuickWork => 3_000;

    /// <summary>The answer is a sum over units, so disjoint shares add up.</summary>
    public override bool Splits => true;

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => CpuKernel.Expected(spec.Work);

    /// <inheritdoc />
    protected override Task<ComputeReply> Send(ICpuProcess worker, ComputeRequest request) => worker.Compute(request);

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new ComputeThreads(run, CpuKernel.Range);
}

/// <summary>A <c>cpu</c> process: computes the chunks it is sent.</summary>
public interface ICpuProcess : IProcessWorker
{
    /// <summary>Computes a chunk and replies with its sum.</summary>
    Task<ComputeReply> Compute(ComputeRequest request);
}

/// <inheritdoc cref="ICpuProcess" />
internal class CpuProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), ICpuProcess
{
    public Task<ComputeReply> Compute(ComputeRequest request)
    {
        Receive(request.Payload);
        return Task.FromResult(new ComputeReply(CpuKernel.Range(request.First, request.Count)));
    }
}

/// <summary>An emulated run's <see cref="CpuProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedCpuProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : CpuProcessGrain(sinks, silo), IIncomingGrainCallFilter;
