namespace ProcessMesh.Grains.Measurement;

/// <summary>One per silo (its key is the silo's address): reads what that silo measured of a run.</summary>
public interface ISiloProbeGrain : IGrainWithStringKey
{
    /// <summary>Opens run <paramref name="runId"/>'s sink on this silo just before the clock starts, noting its CPU.</summary>
    Task Open(string runId);

    /// <summary>Closes run <paramref name="runId"/>'s sink on this silo and reports it.</summary>
    Task<SiloSinkReport> Close(string runId);
}
