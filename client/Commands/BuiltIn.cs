namespace ProcessMesh.Cli.Commands;

/// <summary>
/// The models and workloads a ProcessMesh silo of this version runs, named only for --help, which is written before
/// any cluster is reached. What a cluster runs is its catalog's to say (<c>processmesh cluster catalog</c>); the CLI
/// checks options against that, never against these lists.
/// </summary>
internal static class BuiltIn
{
    /// <summary>The built-in models, in the order reports list them.</summary>
    public static IReadOnlyList<string> Models { get; } = [Contracts.Models.Process, Contracts.Models.Thread, Contracts.Models.Gil, Contracts.Models.Hybrid, Contracts.Models.Os];

    /// <summary>The built-in workloads, in the catalog's order: the six classic ones, then the rest by name.</summary>
    public static IReadOnlyList<string> Workloads { get; } = ["cpu", "io", "counter", "stencil", "pingpong", "ring", "banking", "counting", "fjthroughput", "threadring", "trapezoid"];
}
