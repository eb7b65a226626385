namespace ProcessMesh.Bench;

/// <summary>Answers a bare ping.</summary>
public sealed class BarePongGrain : Grain, IBarePongGrain
{
    public Task<long> Pong(long sequence) => Task.FromResult(sequence + 1);
}
