namespace ProcessMesh.Contracts;

/// <summary>
/// Reads one silo's own process: the grain whose key is a silo's address (<c>SiloAddress.ToParsableString()</c>)
/// is placed on that silo and nowhere else, so <c>processmesh cluster</c> can ask every silo for its CPU and heap.
/// </summary>
public interface ISiloProbeGrain : IGrainWithStringKey
{
    /// <summary>
    /// This silo's reading; CPU use is measured over <paramref name="cpuWindow"/> (zero: only the CPU time so far).
    /// </summary>
    Task<SiloReading> Read(TimeSpan cpuWindow);
}
