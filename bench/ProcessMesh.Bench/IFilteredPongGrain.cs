namespace ProcessMesh.Bench;

/// <summary>The bare pong as a process worker is shaped: a grain that is its own incoming call filter.</summary>
public interface IFilteredPongGrain : IGrainWithIntegerKey
{
    /// <summary>Answers with the successor of <paramref name="sequence"/>.</summary>
    Task<long> Pong(long sequence);
}
