using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// What a workload's process protocol is given to run one measured phase: the spec, its started workers (by
/// rank, through the workload's own interface), the sink of the silo it runs on, and the token that ends the
/// phase (time limit, or a lost silo the workload cannot recover from).
/// </summary>
public sealed class ProcessRun(IGrainFactory grains, IWorkload workload, RunSpec spec, string runId, RunSink sink, CancellationToken stopping)
{
    private int _recoveries;

    /// <summary>The resolved spec.</summary>
    public RunSpec Spec => spec;

    /// <summary>Where the driver records what it measures itself (lanes run from the coordinator).</summary>
    public RunSink Sink => sink;

    /// <summary>Cancelled when the phase must end.</summary>
    public CancellationToken Stopping => stopping;

    /// <summary>How many workers had to be started again after losing their silo.</summary>
    public int Recoveries => Volatile.Read(ref _recoveries);

    /// <summary>The last failure a recovery answered, in one line.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Worker <paramref name="index"/>.</summary>
    public T Worker<T>(int index) where T : IProcessWorker => grains.GetGrain<T>(ProcessKeys.Of(runId, spec.Placement, index));

    /// <summary>
    /// Starts worker <paramref name="index"/> again after <paramref name="failure"/> (its silo was lost: the next
    /// call activates it on a survivor, with its setup given again), so its share can be redone.
    /// </summary>
    public async Task RestartAsync(int index, Exception failure)
    {
        Interlocked.Increment(ref _recoveries);
        LastFailure = $"worker {index}: {failure.GetType().Name}: {failure.Message.Split('\n')[0]}";
        await workload.ProcessWorker(grains, ProcessKeys.Of(runId, spec.Placement, index)).Start(new ProcessSetup(runId, index, spec)).WaitAsync(stopping);
    }
}
