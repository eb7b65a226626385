using Orleans.Runtime.Placement;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>Places process workers as their key says (<see cref="Placements"/>): spread by rank, local, or at random.</summary>
[GenerateSerializer, Immutable, Alias("pm.WorkerPlacement")]
public sealed class WorkerPlacement : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="WorkerPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class WorkerPlacementAttribute() : PlacementAttribute(new WorkerPlacement());

/// <summary>
/// Chooses each worker's silo from its key: <c>spread</c> deals rank r to the r-th active silo (ordered by
/// address, modulo their count), <c>local</c> keeps it on the silo that first calls it (the coordinator's),
/// <c>default</c> picks an active silo at random.
/// </summary>
public sealed class WorkerPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var (placement, index) = ProcessKeys.Parse(target.GrainIdentity.Key.ToString() ?? "");
        var local = silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[0];
        var chosen = placement switch
        {
            Placements.Spread when index >= 0 => silos.OrderBy(s => s.ToString(), StringComparer.Ordinal).ElementAt(index % silos.Length),
            Placements.Default => silos[Random.Shared.Next(silos.Length)],
            _ => local,
        };
        return Task.FromResult(chosen);
    }
}
