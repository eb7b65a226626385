using System.Globalization;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Catalog;

/// <summary>
/// What this silo runs: the engines it was given (each declares its model's traits and which workloads it runs)
/// and its workloads (<see cref="SiloWorkloads"/>: the built-in ones and any added to it). Stateless, so every
/// silo answers from its own registry.
/// </summary>
[StatelessWorker]
internal sealed class CatalogGrain(IEnumerable<IModelEngine> engines, SiloWorkloads workloads) : Grain, ICatalogGrain
{
    /// <summary>The built-in models in the order reports list them; any other model follows, by name.</summary>
    private static readonly string[] _order = [Models.Process, Models.Thread, Models.Gil, Models.Hybrid, Models.Os];

    public Task<ClusterCatalog> Get() => Task.FromResult(Of(engines, workloads.All));

    public Task<ResolvedSpec> Resolve(RunSpec spec)
    {
        var workload = workloads.Get(spec.Workload);
        var resolved = workload.Resolve(spec);
        return Task.FromResult(new ResolvedSpec { Spec = resolved, Expected = workload.Expected(resolved).ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>The catalog of <paramref name="engines"/> and the built-in workloads.</summary>
    public static ClusterCatalog Of(IEnumerable<IModelEngine> engines) => Of(engines, WorkloadCatalog.All);

    /// <summary>The catalog of <paramref name="engines"/> and <paramref name="workloads"/>.</summary>
    public static ClusterCatalog Of(IEnumerable<IModelEngine> engines, IReadOnlyList<IWorkload> workloads)
    {
        var models = engines
            .OrderBy(e => Array.IndexOf(_order, e.Traits.Name) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(e => e.Traits.Name, StringComparer.Ordinal)
            .ToArray();
        return new ClusterCatalog
        {
            Models = [.. models.Select(e => e.Traits with { Workloads = [.. workloads.Where(e.Runs).Select(w => w.Name.Name)] })],
            Workloads = [.. workloads.Select(w =>
            {
                var defaults = w.Resolve(new RunSpec { Workload = w.Name, Workers = 1 });
                return new WorkloadInfo
                {
                    Name = w.Name.Name,
                    Summary = w.Summary,
                    Unit = w.Unit,
                    HasSpeedup = w.HasSpeedup,
                    CountsLostUpdates = w.CountsLostUpdates,
                    Recovers = w.Recovers,
                    Splits = w.Splits,
                    DefaultWork = defaults.Work,
                    DefaultGranularity = defaults.Granularity,
                    Models = [.. models.Where(e => e.Runs(w)).Select(e => e.Traits.Name)],
                };
            })],
        };
    }
}
