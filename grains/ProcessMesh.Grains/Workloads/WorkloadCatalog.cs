using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Workloads;

/// <summary>Every <see cref="IWorkload"/> in this assembly, found by reflection: a workload is a folder, not a switch.</summary>
public static class WorkloadCatalog
{
    private static readonly IReadOnlyList<IWorkload> _all = typeof(IWorkload).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IWorkload).IsAssignableFrom(t))
        .Select(t => (IWorkload)Activator.CreateInstance(t)!)
        .OrderBy(w => Order(w.Name.Name))
        .ThenBy(w => w.Name.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every workload: the six classic ones first, in the order the docs list them, then the rest by name.</summary>
    public static IReadOnlyList<IWorkload> All => _all;

    /// <summary>Every workload's name.</summary>
    public static IReadOnlyList<string> Names { get; } = _all.Select(w => w.Name.Name).ToArray();

    /// <summary>The workload called <paramref name="name"/>, or null.</summary>
    public static IWorkload? Find(string name) => _all.FirstOrDefault(w => string.Equals(w.Name.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The workload of <paramref name="workload"/>; an unknown one is refused (<see cref="RefusedSetting.Workload"/>).</summary>
    public static IWorkload Get(Workload workload) => Find(workload.Name ?? "")
        ?? throw new RunRefusedException(RefusedSetting.Workload, $"no workload '{workload}' (there are {string.Join(", ", Names)})");

    /// <summary>The spec with its workload's defaults filled in.</summary>
    public static RunSpec Resolve(RunSpec spec) => Get(spec.Workload).Resolve(spec);

    private static int Order(string name) => Array.IndexOf(["cpu", "io", "counter", "stencil", "pingpong", "ring"], name) is var i and >= 0 ? i : int.MaxValue;
}
