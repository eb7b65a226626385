using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>
/// A pool of dedicated OS threads that share one memory region, running one workload's shared-memory protocol.
/// It runs entirely outside the Orleans scheduler: <see cref="RunAsync"/> starts a driver thread and returns a
/// task the engine awaits. The threads exist and are parked, and memory is read, before the clock starts.
/// </summary>
public sealed class SharedMemoryPool(RunSpec spec, IInterpreterLock gil, string silo, long firstUnit = 0)
{
    /// <summary>
    /// Runs the workload on the pool's threads; the task completes when every thread has finished, or when they have
    /// stopped at the time limit or at <paramref name="cancelled"/> (the client gave up on the run).
    /// </summary>
    public Task<EngineRun> RunAsync(CancellationToken cancelled = default) => DedicatedThread.Run("processmesh-pool", () => Run(cancelled));

    private EngineRun Run(CancellationToken cancelled)
    {
        using var cancel = new CancellationTokenSource();
        using var givenUp = cancelled.Register(cancel.Cancel);
        var sink = new RunSink();
        var workload = WorkloadCatalog.Get(spec.Workload).SharedMemory(new SharedMemoryRun(spec, gil, sink, cancel.Token, firstUnit));
        var before = MemoryReading.Take();
        using var gang = new ThreadGang(spec.Workers, "processmesh-worker", gil, workload.Run, workload.Abandon, cancel);
        var memory = MemoryReading.Take().Since(before, spec.Workers);
        cancel.Token.Register(workload.Abandon);
        cancel.CancelAfter(TimeSpan.FromSeconds(spec.TimeLimitSeconds));
        var (wall, cpu) = gang.Run();
        if (gang.Failure is { } failure)
        {
            throw new InvalidOperationException($"a {spec.Model} worker failed: {failure.Message}", failure);
        }

        if (gang.Cancelled && cancelled.IsCancellationRequested)
        {
            throw new OperationCanceledException(GivenUp.Reason, cancelled);
        }

        if (gang.Cancelled)
        {
            throw new TimeoutException($"the run passed its time limit of {spec.TimeLimitSeconds:0.#} s and was stopped");
        }

        return new EngineRun
        {
            WallSeconds = wall,
            CpuSeconds = cpu,
            Answer = workload.Answer(),
            Memory = memory,
            Silos = [SiloProbeGrain.Report(sink, silo) with { CpuSeconds = cpu, Workers = spec.Workers }], // the threads run on this one silo
        };
    }
}
