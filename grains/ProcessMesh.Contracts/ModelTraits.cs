namespace ProcessMesh.Contracts;

/// <summary>
/// What a model is, as its engine declares it: the engine's folder owns these, and the cluster's catalog
/// (<see cref="ICatalogGrain"/>) hands them to clients, so no caller branches on a model's name.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.ModelTraits")]
public sealed record ModelTraits
{
    /// <summary>The model's name, as the CLI spells it.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>One line for help and docs: what one worker is.</summary>
    [Id(1)] public string Description { get; init; } = "";

    /// <summary>
    /// Whether the model's workers all live in one silo (shared memory cannot span machines; real OS processes
    /// are started by the silo that runs the engine, on its machine).
    /// </summary>
    [Id(2)] public bool SingleSilo { get; init; }

    /// <summary>Whether the model's workers are threads (each one an OS thread, with its stack): a thread worker costs its stack, not a grain.</summary>
    [Id(3)] public bool Threads { get; init; }

    /// <summary>Whether the model's workers talk by message (so its record has a message ledger), not through shared memory.</summary>
    [Id(4)] public bool SendsMessages { get; init; }

    /// <summary>Whether the model's workers are grains placed by <c>--placement</c> (its record says where they went).</summary>
    [Id(5)] public bool Placed { get; init; }

    /// <summary>Whether the model's workers can be emulated OS processes (<c>--emulate</c>).</summary>
    [Id(6)] public bool Emulates { get; init; }

    /// <summary>Whether the model runs load tests (a population under closed-loop load), not only workloads.</summary>
    [Id(7)] public bool RunsLoad { get; init; }

    /// <summary>The workloads the model runs, by name, in the catalog's order (filled in by the catalog).</summary>
    [Id(8)] public IReadOnlyList<string> Workloads { get; init; } = [];

    /// <summary>Largest worker count: a model whose workers share one silo holds threads or real processes, the others grains.</summary>
    public int MaxWorkers => SingleSilo ? RunSpec.MaxThreadWorkers : RunSpec.MaxProcessWorkers;

    /// <summary>What one of its workers is called when it drives load: a thread, or a calling grain.</summary>
    public string LoadWorkers => SingleSilo ? "threads" : "callers";
}
