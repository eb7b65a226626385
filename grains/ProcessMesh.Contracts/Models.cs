namespace ProcessMesh.Contracts;

/// <summary>
/// The names of the built-in concurrency models, for code that asks for one of them by name. What a model is
/// (single silo, threads, messages, placement, the workloads it runs) belongs to its engine, in a folder of its own
/// under the grains project's Engines/; a cluster lists its models with their traits through <see cref="ICatalogGrain"/>.
/// </summary>
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
}
