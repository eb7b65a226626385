using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// The workloads a silo can run. The built-in ones are every <see cref="IWorkload"/> in this assembly, found by
/// reflection: a workload is a folder, not a switch. A workload defined anywhere else (a host's own assembly, a
/// test) is added to a silo with <see cref="AddProcessMeshWorkload{T}"/>: that silo's catalog grain then lists it
/// and its coordinator runs it, and a CLI joined to the cluster learns it from there, never by name.
/// </summary>
public static class WorkloadCatalog
{
    private static readonly IReadOnlyList<IWorkload> _all = typeof(IWorkload).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IWorkload).IsAssignableFrom(t))
        .Select(t => (IWorkload)Activator.CreateInstance(t)!)
        .OrderBy(w => Order(w.Name.Name))
        .ThenBy(w => w.Name.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Workloads added to a silo of this process, by name: a definition is found by its name wherever it runs (a lane driver, a pool).</summary>
    private static readonly ConcurrentDictionary<string, IWorkload> _added = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every built-in workload: the six classic ones first, in the order the docs list them, then the rest by name.</summary>
    public static IReadOnlyList<IWorkload> All => _all;

    /// <summary>Every built-in workload's name.</summary>
    public static IReadOnlyList<string> Names { get; } = _all.Select(w => w.Name.Name).ToArray();

    /// <summary>The workload called <paramref name="name"/> (built in, or added to a silo of this process), or null.</summary>
    public static IWorkload? Find(string name) =>
        _all.FirstOrDefault(w => string.Equals(w.Name.Name, name, StringComparison.OrdinalIgnoreCase)) ?? _added.GetValueOrDefault(name);

    /// <summary>The workload of <paramref name="workload"/>; an unknown one is refused (<see cref="RefusedSetting.Workload"/>).</summary>
    public static IWorkload Get(Workload workload) => Find(workload.Name ?? "")
        ?? throw new RunRefusedException(RefusedSetting.Workload, $"no workload '{workload}' (there are {string.Join(", ", Names.Concat(_added.Keys.Order(StringComparer.Ordinal)))})");

    /// <summary>The spec with its workload's defaults filled in.</summary>
    public static RunSpec Resolve(RunSpec spec) => Get(spec.Workload).Resolve(spec);

    /// <summary>
    /// Adds workload <typeparamref name="T"/>, defined outside this assembly, to the silo these services build: its
    /// catalog lists it after the built-in ones (<see cref="SiloWorkloads"/>) and every model whose engine runs it
    /// offers it. Its process workers are grains like any other: a grain interface and class in an assembly the silo
    /// loads, or a built-in workload's. A name already taken by another definition is refused.
    /// </summary>
    public static IServiceCollection AddProcessMeshWorkload<T>(this IServiceCollection services)
        where T : class, IWorkload, new()
    {
        var workload = new T();
        var name = workload.Name.Name;
        if (Find(name) is { } taken && taken.GetType() != typeof(T))
        {
            throw new ArgumentException($"workload '{name}' is already defined by {taken.GetType().FullName}", nameof(T));
        }

        _added.TryAdd(name, workload);
        services.AddSingleton<IWorkload>(Find(name)!);
        return services;
    }

    private static int Order(string name) => Array.IndexOf(["cpu", "io", "counter", "stencil", "pingpong", "ring"], name) is var i and >= 0 ? i : int.MaxValue;
}

/// <summary>What one silo offers: the built-in workloads, then those added to it (<see cref="WorkloadCatalog.AddProcessMeshWorkload{T}"/>), by name.</summary>
/// <param name="added">The workloads added to this silo's services.</param>
public sealed class SiloWorkloads(IEnumerable<IWorkload> added)
{
    /// <summary>Every workload this silo runs.</summary>
    public IReadOnlyList<IWorkload> All { get; } = [.. WorkloadCatalog.All, .. added.OrderBy(w => w.Name.Name, StringComparer.Ordinal)];

    /// <summary>The workload of <paramref name="workload"/> if this silo runs it; else refused, listing what it runs (<see cref="RefusedSetting.Workload"/>).</summary>
    public IWorkload Get(Workload workload) =>
        All.FirstOrDefault(w => string.Equals(w.Name.Name, workload.Name, StringComparison.OrdinalIgnoreCase))
        ?? throw new RunRefusedException(RefusedSetting.Workload, $"no workload '{workload}' (there are {string.Join(", ", All.Select(w => w.Name.Name))})");
}
