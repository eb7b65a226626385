namespace ProcessMesh.Bench;

/// <summary>The other end of the bare call loop.</summary>
public interface IBarePongGrain : IGrainWithIntegerKey
{
    /// <summary>Answers with the successor of <paramref name="sequence"/>.</summary>
    Task<long> Pong(long sequence);
}
