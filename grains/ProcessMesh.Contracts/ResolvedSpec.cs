namespace ProcessMesh.Contracts;

/// <summary>A spec with its workload's defaults filled in, and the answer every model must give for it (<see cref="ICatalogGrain.Resolve"/>).</summary>
[GenerateSerializer, Immutable, Alias("pm.ResolvedSpec")]
public sealed record ResolvedSpec
{
    /// <summary>The spec, every zero size replaced by its workload's default for its worker count.</summary>
    [Id(0)] public RunSpec Spec { get; init; } = new();

    /// <summary>The checked answer, in decimal.</summary>
    [Id(1)] public string Expected { get; init; } = "";
}
