namespace ProcessMesh.Contracts;

/// <summary>
/// What a cluster runs, as one of its silos knows it (<see cref="ICatalogGrain.Get"/>): its models with their
/// traits and its workloads with their defaults. A client learns names, traits and defaults from here, not from
/// code of its own, so a silo with a model or workload the client has never heard of is used like any other.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.ClusterCatalog")]
public sealed record ClusterCatalog
{
    /// <summary>Every model, the classic ones first, in the order reports list them.</summary>
    [Id(0)] public IReadOnlyList<ModelTraits> Models { get; init; } = [];

    /// <summary>Every workload, the six classic ones first, in the order the docs list them.</summary>
    [Id(1)] public IReadOnlyList<WorkloadInfo> Workloads { get; init; } = [];

    /// <summary>Every model's name.</summary>
    public IReadOnlyList<string> ModelNames => [.. Models.Select(m => m.Name)];

    /// <summary>Every workload's name.</summary>
    public IReadOnlyList<string> WorkloadNames => [.. Workloads.Select(w => w.Name)];

    /// <summary>The model called <paramref name="name"/> (case-insensitive), or null.</summary>
    public ModelTraits? Model(string? name) => Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The workload called <paramref name="name"/> (case-insensitive), or null.</summary>
    public WorkloadInfo? Workload(string? name) => Workloads.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
}
