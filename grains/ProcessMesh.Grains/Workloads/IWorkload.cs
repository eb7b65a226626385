using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;

namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// One workload, defined once in a folder of its own: its defaults, its checked answer, its message protocol
/// for processes and its shared-memory protocol for threads. <see cref="WorkloadCatalog"/> finds every
/// implementation, so adding a workload adds a folder and edits nothing else; the behaviour suite runs it in
/// every model.
/// </summary>
public interface IWorkload
{
    /// <summary>The name the CLI takes.</summary>
    Workload Name { get; }

    /// <summary>One line for help and docs: what it stresses.</summary>
    string Summary { get; }

    /// <summary>What one unit of its work is (for throughput): "units", "waits", "round trips", ...</summary>
    string Unit { get; }

    /// <summary>
    /// Whether a one-worker run is the same experiment made smaller, so speedup against it means something
    /// (not for a self-ping or a token that is serial by design).
    /// </summary>
    bool HasSpeedup { get; }

    /// <summary>Whether an answer below the expected one counts updates lost to unguarded shared memory.</summary>
    bool CountsLostUpdates { get; }

    /// <summary>
    /// Whether the process protocol survives a lost silo by starting its workers again on the survivors (true
    /// for work that holds no state between messages); otherwise a lost silo ends the run as <c>lost</c>.
    /// </summary>
    bool Recovers { get; }

    /// <summary>
    /// Whether the answer over the whole work is the sum of the answers over disjoint shares of it (units
    /// first .. first+n-1), so that pools on several silos can each run a share (the <c>hybrid</c> model).
    /// </summary>
    bool Splits { get; }

    /// <summary>
    /// Fills in the spec's zeros with this workload's defaults, sized by the worker count so that a default run
    /// measures steady state rather than start-up.
    /// </summary>
    RunSpec Resolve(RunSpec spec);

    /// <summary>Null when a resolved spec makes sense for this workload, else why not, naming the setting.</summary>
    Refusal? Check(RunSpec spec);

    /// <summary>The answer every model must produce for a resolved spec.</summary>
    ulong Expected(RunSpec spec);

    /// <summary>A total work that checks the answer in milliseconds, for any worker count up to a few: the behaviour suite's size.</summary>
    long QuickWork { get; }

    /// <summary>A process worker of this workload, by grain key, of the class a run of <paramref name="spec"/> uses (<see cref="ProcessWorkers"/>).</summary>
    IProcessWorker ProcessWorker(IGrainFactory grains, RunSpec spec, string key);

    /// <summary>Runs the measured phase with started process workers and returns their answer.</summary>
    Task<ulong> RunProcessesAsync(ProcessRun run);

    /// <summary>The shared-memory protocol of one run, prepared before its threads start.</summary>
    ISharedMemoryWorkload SharedMemory(SharedMemoryRun run);
}

/// <summary>The common part of a workload definition: its process worker's interface.</summary>
/// <typeparam name="TProcess">The grain interface of this workload's process worker.</typeparam>
public abstract class Workload<TProcess> : IWorkload where TProcess : IProcessWorker
{
    /// <inheritdoc />
    public abstract Workload Name { get; }

    /// <inheritdoc />
    public abstract string Summary { get; }

    /// <inheritdoc />
    public abstract string Unit { get; }

    /// <inheritdoc />
    public virtual bool HasSpeedup => true;

    /// <inheritdoc />
    public virtual bool CountsLostUpdates => false;

    /// <inheritdoc />
    public virtual bool Recovers => false;

    /// <inheritdoc />
    public virtual bool Splits => false;

    /// <inheritdoc />
    public abstract RunSpec Resolve(RunSpec spec);

    /// <inheritdoc />
    public virtual Refusal? Check(RunSpec spec) => null;

    /// <inheritdoc />
    public abstract ulong Expected(RunSpec spec);

    /// <inheritdoc />
    public virtual long QuickWork => 700;

    /// <inheritdoc />
    public IProcessWorker ProcessWorker(IGrainFactory grains, RunSpec spec, string key) => ProcessWorkers.Get<TProcess>(grains, spec, key);

    /// <inheritdoc />
    public abstract Task<ulong> RunProcessesAsync(ProcessRun run);

    /// <inheritdoc />
    public abstract ISharedMemoryWorkload SharedMemory(SharedMemoryRun run);
}
