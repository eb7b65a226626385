namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// What every process worker answers, whatever its workload: start (learn the run, allocate and touch private
/// memory) and stop. Each workload adds its own messages in an interface that extends this one, in its folder.
/// </summary>
public interface IProcessWorker : IGrainWithStringKey
{
    /// <summary>Allocates and touches the private memory and learns the run; replies with the silo it lives on.</summary>
    Task<SiloAddress> Start(ProcessSetup setup);

    /// <summary>
    /// Frees the private memory and deactivates. Interleaves with a call still running on the worker (a pinger's loop
    /// after the run was lost), which sees <see cref="ProcessWorkerGrain.Stopped"/> and ends at the top of its next iteration.
    /// </summary>
    [AlwaysInterleave]
    Task Stop();
}
