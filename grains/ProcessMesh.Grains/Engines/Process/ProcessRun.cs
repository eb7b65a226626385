using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// What a workload's process protocol is given to run one measured phase: the spec, its started workers (by
/// rank, through the workload's own interface), and the sink of the silo it runs on.
/// </summary>
public sealed class ProcessRun(IGrainFactory grains, RunSpec spec, string runId, string placement, RunSink sink)
{
    /// <summary>The resolved spec.</summary>
    public RunSpec Spec => spec;

    /// <summary>Where the driver records what it measures itself (lanes run from the coordinator).</summary>
    public RunSink Sink => sink;

    /// <summary>Worker <paramref name="index"/>.</summary>
    public T Worker<T>(int index) where T : IProcessWorker => grains.GetGrain<T>(ProcessKeys.Of(runId, placement, index));
}
