namespace ProcessMesh.Contracts;

/// <summary>One workload as the cluster's catalog (<see cref="ICatalogGrain"/>) describes it: what it is, its defaults, and which models run it.</summary>
[GenerateSerializer, Immutable, Alias("pm.WorkloadInfo")]
public sealed record WorkloadInfo
{
    /// <summary>The name the CLI takes.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>One line for help and docs: what it stresses.</summary>
    [Id(1)] public string Summary { get; init; } = "";

    /// <summary>What one unit of its work is: "units", "waits", "round trips", ...</summary>
    [Id(2)] public string Unit { get; init; } = "";

    /// <summary>Whether a one-worker run is the same experiment made smaller, so speedup against it means something.</summary>
    [Id(3)] public bool HasSpeedup { get; init; } = true;

    /// <summary>Whether an answer below the expected one counts updates lost to unguarded shared memory.</summary>
    [Id(4)] public bool CountsLostUpdates { get; init; }

    /// <summary>Whether its process protocol survives a lost silo by starting its workers again on the survivors.</summary>
    [Id(5)] public bool Recovers { get; init; }

    /// <summary>Whether the answer adds up over disjoint shares of the work (so pools on several silos can each run one).</summary>
    [Id(6)] public bool Splits { get; init; }

    /// <summary>Its default total work for one worker (the default grows with the workers where that keeps a run in steady state).</summary>
    [Id(7)] public long DefaultWork { get; init; }

    /// <summary>Its default work units per message or chunk.</summary>
    [Id(8)] public long DefaultGranularity { get; init; }

    /// <summary>The models that run it, by name, in the catalog's order.</summary>
    [Id(9)] public IReadOnlyList<string> Models { get; init; } = [];
}
