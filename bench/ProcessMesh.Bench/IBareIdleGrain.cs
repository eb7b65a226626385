namespace ProcessMesh.Bench;

/// <summary>The baseline for activation: a grain with no state that only activates.</summary>
public interface IBareIdleGrain : IGrainWithIntegerKey
{
    /// <summary>Activates the grain.</summary>
    Task Touch();

    /// <summary>Deactivates the grain.</summary>
    Task Leave();
}
