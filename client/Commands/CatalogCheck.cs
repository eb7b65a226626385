using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// The checks of what a user asked for against what the cluster runs (its <see cref="ClusterCatalog"/>), made once
/// the CLI is connected and before anything runs: an unknown model or workload is one line naming the option and
/// listing what the cluster offers, and a worker count is held to the model's own bound.
/// </summary>
internal static class CatalogCheck
{
    /// <summary>Null when the cluster runs every model of <paramref name="models"/>, else one line naming <paramref name="option"/>.</summary>
    public static string? Models(ClusterCatalog catalog, string option, IEnumerable<string> models) =>
        models.FirstOrDefault(m => catalog.Model(m) is null) is { } unknown
            ? $"{option}: unknown model '{unknown}' (this cluster runs {string.Join(", ", catalog.ModelNames)})"
            : null;

    /// <summary>Null when the cluster runs <paramref name="workload"/> (or it is one of <paramref name="also"/>), else one line naming <paramref name="option"/>.</summary>
    public static string? Workload(ClusterCatalog catalog, string option, string workload, params string[] also) =>
        catalog.Workload(workload) is null && !also.Contains(workload, StringComparer.OrdinalIgnoreCase)
            ? $"{option}: unknown workload '{workload}' (this cluster runs {string.Join(", ", [.. also, .. catalog.WorkloadNames])})"
            : null;

    /// <summary>
    /// Null when <paramref name="spec"/>'s worker count is within its model's bound, else one line naming
    /// <paramref name="workersOption"/>. Everything else a run could be refused for is the cluster's to say
    /// (<see cref="ICoordinatorGrain.Admit"/>), asked for every spec before the first run starts.
    /// </summary>
    public static string? Workers(ModelTraits model, RunSpec spec, string workersOption)
    {
        var max = model.MaxWorkers;
        return spec.Workers < 1 || spec.Workers > max ? $"{workersOption}: {spec.Model} takes 1 to {max:N0} workers (got {spec.Workers:N0})" : null;
    }

    /// <summary>The first problem of <paramref name="specs"/> against the catalog: an unknown model or workload, or too many workers.</summary>
    public static string? Specs(ClusterCatalog catalog, IEnumerable<RunSpec> specs, string modelOption, string workersOption)
    {
        foreach (var spec in specs)
        {
            if ((Models(catalog, modelOption, [spec.Model]) ?? Workload(catalog, "--workload", spec.Workload.Name ?? "")) is { } unknown)
            {
                return unknown;
            }

            if (Workers(catalog.Model(spec.Model)!, spec, workersOption) is { } workers)
            {
                return workers;
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="BadInputException"/> with <paramref name="problem"/> when there is one.</summary>
    public static void Require(string? problem)
    {
        if (problem is not null)
        {
            throw new BadInputException(problem);
        }
    }
}

/// <summary>The user's request is wrong, found once the cluster was reached: one line on standard error naming the option, exit 2.</summary>
internal sealed class BadInputException(string message) : Exception(message);
