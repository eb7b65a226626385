namespace ProcessMesh.Contracts;

/// <summary>
/// Reads one silo's own process for <c>processmesh cluster</c>: the grain whose key is a silo's address
/// (<c>SiloAddress.ToParsableString()</c>) is placed on that silo and nowhere else.
/// </summary>
public interface ISiloStatusGrain : IGrainWithStringKey
{
    /// <summary>
    /// This silo's reading; CPU use is measured over <paramref name="cpuWindow"/> (zero: only the CPU time so far).
    /// </summary>
    Task<SiloReading> Read(TimeSpan cpuWindow);
}
