using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines;

/// <summary>
/// One concurrency model. An engine lives in a folder of its own under Engines/, declares what its model is
/// (<see cref="Traits"/>) and which workloads it runs (<see cref="Runs"/>), and is found by
/// <see cref="EngineRegistration.AddProcessMeshEngines"/>; the cluster's catalog (<see cref="ICatalogGrain"/>) lists it
/// to clients. Adding a model adds a folder and edits nothing else.
/// </summary>
public interface IModelEngine
{
    /// <summary>What the model is: its name, whether it stays in one silo, uses threads, sends messages, is placed.</summary>
    ModelTraits Traits { get; }

    /// <summary>Whether the model runs <paramref name="workload"/> at all (a spec may still be refused by <see cref="RefuseAsync"/>).</summary>
    bool Runs(IWorkload workload) => true;

    /// <summary>
    /// What this engine refuses of a resolved spec before anything runs (a workload it does not run, more of its
    /// kind of worker than this machine holds), or null. Asked by admission, before any run of the spec starts.
    /// </summary>
    Task<Refusal?> RefuseAsync(RunSpec spec) => Task.FromResult<Refusal?>(null);

    /// <summary>
    /// Runs one measured repetition of a resolved, admitted spec. <paramref name="cancelled"/> is cancelled when the
    /// client gives up on the run (<see cref="ICoordinatorGrain.Cancel"/>): the engine stops its workers as at its
    /// time limit and ends the run <c>lost</c>, or throws.
    /// </summary>
    Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled);

    /// <summary>
    /// Runs an admitted load test: <paramref name="workers"/> callers or threads against the spec's population,
    /// reading heap and CPU from <paramref name="silo"/> and reporting progress under its key. The drive stops at
    /// <paramref name="cancelled"/> (the client gave up on it), the process model's callers and the thread models'
    /// threads alike, and the test throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo, CancellationToken cancelled);
}
