using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;

namespace ProcessMesh.Grains.Cluster;

/// <summary>
/// Places a grain on the silo its string key names (<c>SiloAddress.ToParsableString()</c>), and fails the call when
/// that silo is not in the cluster: a per-silo probe must read the silo it was asked about, or say it cannot.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("pm.OnNamedSilo")]
public sealed class OnNamedSiloPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static OnNamedSiloPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="OnNamedSiloPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OnNamedSiloAttribute() : PlacementAttribute(OnNamedSiloPlacement.Instance);

/// <summary>Chooses the silo a grain's key names.</summary>
internal sealed class OnNamedSiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var named = SiloAddress.FromParsableString(key);
        return context.GetCompatibleSilos(target).Contains(named)
            ? Task.FromResult(named)
            : throw new SiloUnavailableException($"silo {key} is not an active member of the cluster");
    }
}

/// <summary>Registers the placement that per-silo grains need.</summary>
public static class ClusterRegistration
{
    /// <summary>Adds <see cref="OnNamedSiloPlacement"/> to a silo's services.</summary>
    public static IServiceCollection AddProcessMeshClusterProbe(this IServiceCollection services)
    {
        services.AddPlacementDirector<OnNamedSiloPlacement, OnNamedSiloPlacementDirector>();
        return services;
    }
}
