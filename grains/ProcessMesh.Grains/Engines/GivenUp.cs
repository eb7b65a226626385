namespace ProcessMesh.Grains.Engines;

/// <summary>Why a run stopped when its client gave up on it (<see cref="Contracts.ICoordinatorGrain.Cancel"/>), in one line.</summary>
internal static class GivenUp
{
    /// <summary>The failure line of a run stopped because its client stopped waiting for it.</summary>
    public const string Reason = "the client gave up on the run (interrupted, past its bound, or its way into the cluster changed) and the coordinator stopped it";
}
