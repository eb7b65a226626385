using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// What a workload's process protocol is given to run one measured phase: the spec, its started workers (by
/// rank, through the workload's own interface, with the silo each lives on), the sink of the silo it runs on,
/// and the token that ends the phase (time limit, or a lost silo the workload cannot recover from). The engine
/// makes one for the whole run, on the coordinator's silo (<paramref name="here"/>); a lane driver makes one for
/// its lane, on its own silo, without the homes.
/// </summary>
public sealed class ProcessRun(
    IGrainFactory grains, IWorkload workload, RunSpec spec, string runId, RunSink sink, CancellationToken stopping, SiloAddress[]? homes = null, SiloAddress? here = null)
{
    private int _recoveries;
    private string? _lastFailure;

    /// <summary>The resolved spec.</summary>
    public RunSpec Spec => spec;

    /// <summary>The run's id, shared by its workers' keys and its sinks.</summary>
    public string RunId => runId;

    /// <summary>The grain factory of the silo this runs on.</summary>
    public IGrainFactory Grains => grains;

    /// <summary>Where the protocol records what it measures itself, on the silo it runs on.</summary>
    public RunSink Sink => sink;

    /// <summary>Cancelled when the phase must end.</summary>
    public CancellationToken Stopping => stopping;

    /// <summary>How many workers had to be started again after losing their silo.</summary>
    public int Recoveries => Volatile.Read(ref _recoveries);

    /// <summary>The last failure a recovery answered, in one line.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>Worker <paramref name="index"/>.</summary>
    public T Worker<T>(int index) where T : IProcessWorker => ProcessWorkers.Get<T>(grains, spec, ProcessKeys.Of(runId, spec.Placement, index));

    /// <summary>The silo this runs on, when the engine said (the coordinator's).</summary>
    public SiloAddress Here => here ?? throw new InvalidOperationException("this run was not told its silo");

    /// <summary>The silo worker <paramref name="index"/> lives on (since it last started).</summary>
    public SiloAddress Home(int index) => (homes ?? throw new InvalidOperationException("this run was not given its workers' silos"))[index];

    /// <summary>
    /// Starts worker <paramref name="index"/> again after <paramref name="failure"/> (its silo was lost: the next
    /// call activates it on a survivor, with its setup given again), so its share can be redone; notes its new home,
    /// here and in the sink of its new silo (where a lane driven from there records), so its messages are classed
    /// as crossing silos or not by where it lives now.
    /// </summary>
    public async Task RestartAsync(int index, Exception failure)
    {
        Recovered(1, $"worker {index}: {failure.GetType().Name}: {failure.Message.Split('\n')[0]}");
        var home = await workload.ProcessWorker(grains, spec, ProcessKeys.Of(runId, spec.Placement, index)).Start(new ProcessSetup(runId, index, spec)).WaitAsync(stopping);
        if (homes is not null)
        {
            homes[index] = home; // only worker index's own lane reads or writes its home
        }

        sink.Homes.Moved(index, home.Endpoint.ToString());
        await SiloProbeGrain.On(grains, home).Moved(runId, index).WaitAsync(stopping);
    }

    /// <summary>Counts <paramref name="restarts"/> workers started again elsewhere (by a lane's driver), the last after <paramref name="failure"/>.</summary>
    public void Recovered(int restarts, string? failure)
    {
        if (restarts > 0)
        {
            Interlocked.Add(ref _recoveries, restarts);
            Volatile.Write(ref _lastFailure, failure);
        }
    }
}
