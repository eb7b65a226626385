namespace ProcessMesh.Contracts;

/// <summary>The concurrency models a cluster runs. Each has one engine in the grains project.</summary>
public static class Models
{
    /// <summary>Isolated processes: grains with private memory that talk only by message.</summary>
    public const string Process = "process";

    /// <summary>Dedicated OS threads in one silo sharing one memory region.</summary>
    public const string Thread = "thread";

    /// <summary>Threads that must hold an interpreter lock to run compute steps, as CPython's do.</summary>
    public const string Gil = "gil";

    /// <summary>
    /// One pool of threads per silo, sharing memory inside the pool and exchanging results between pools by
    /// message, as MPI + threads programs do. Only for workloads whose answer adds up over disjoint shares.
    /// </summary>
    public const string Hybrid = "hybrid";

    /// <summary>
    /// Real OS processes (<c>ProcessMesh.Worker</c>), started by the silo, talking over real pipes, Unix sockets or
    /// TCP loopback: the ground truth the emulated <see cref="Process"/> model answers to.
    /// </summary>
    public const string Os = "os";

    /// <summary>The classic three, compared by default, in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Process, Thread, Gil];

    /// <summary>Every model a cluster runs: the classic three, <see cref="Hybrid"/> and <see cref="Os"/>.</summary>
    public static IReadOnlyList<string> Known { get; } = [Process, Thread, Gil, Hybrid, Os];

    /// <summary>
    /// Whether the model's workers all live in one silo (shared memory cannot span machines; real OS processes
    /// are started by the silo that runs the engine, on its machine).
    /// </summary>
    public static bool IsSingleSilo(string model) => model is Thread or Gil or Os;

    /// <summary>Whether the model's workers talk by message (so its record has a message ledger), not through shared memory.</summary>
    public static bool SendsMessages(string model) => model is not (Thread or Gil);

    /// <summary>Whether the model's workers are threads (each one an OS thread, with its stack).</summary>
    public static bool UsesThreads(string model) => model is Thread or Gil or Hybrid;
}
