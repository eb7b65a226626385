namespace ProcessMesh.Contracts;

/// <summary>
/// What the cluster runs, answered by the silo the call lands on from its own engines and workloads: the one
/// source a client asks for model and workload names, model traits and workload defaults. Stateless: call it
/// with key <see cref="Key"/>.
/// </summary>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The key to call it with.</summary>
    const long Key = 0;

    /// <summary>The models and workloads of this silo, with their traits and defaults.</summary>
    Task<ClusterCatalog> Get();

    /// <summary>
    /// <paramref name="spec"/> with its workload's defaults filled in and its expected answer. An unknown workload is
    /// refused (<see cref="RunRefusedException"/> naming <see cref="RefusedSetting.Workload"/>).
    /// </summary>
    Task<ResolvedSpec> Resolve(RunSpec spec);
}
