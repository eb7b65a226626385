namespace ProcessMesh.Bench;

/// <summary>
/// The cross-silo baseline's pinger: a bare Orleans call loop like <see cref="IBarePingGrain"/>, placed on the silo its
/// key names (<c>silo address|n</c>), so that pinger and ponger sit on silos the benchmark chooses.
/// </summary>
public interface IBareSiloPingGrain : IGrainWithStringKey
{
    /// <summary>Calls the <see cref="IBareSiloPongGrain"/> keyed <paramref name="partner"/> <paramref name="rounds"/> times; returns the replies that checked out.</summary>
    Task<long> Run(string partner, long rounds);

    /// <summary>The address of the silo this grain lives on.</summary>
    Task<string> Silo();
}
