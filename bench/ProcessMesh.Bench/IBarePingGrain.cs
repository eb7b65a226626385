namespace ProcessMesh.Bench;

/// <summary>The baseline: a bare Orleans grain-to-grain call loop, with nothing measured per call.</summary>
public interface IBarePingGrain : IGrainWithIntegerKey
{
    /// <summary>Calls <paramref name="partner"/>'s <see cref="IBarePongGrain.Pong"/> <paramref name="rounds"/> times; returns the replies that checked out.</summary>
    Task<long> Run(long partner, long rounds);

    /// <summary>As <see cref="Run"/>, against <see cref="FilteredPongGrain"/>: the same loop, the pong its own call filter.</summary>
    Task<long> RunAgainstFilter(long partner, long rounds);
}
