namespace ProcessMesh.Bench;

/// <summary>Loops grain calls with no histogram, no payload and no bookkeeping.</summary>
public sealed class BarePingGrain : Grain, IBarePingGrain
{
    public Task<long> Run(long partner, long rounds) =>
        Loop(GrainFactory.GetGrain<IBarePongGrain>(partner, typeof(BarePongGrain).FullName), rounds);

    public Task<long> RunAgainstFilter(long partner, long rounds) =>
        Loop(GrainFactory.GetGrain<IBarePongGrain>(partner, typeof(FilteredPongGrain).FullName), rounds);

    /// <summary>The one loop both pongs are timed by (each named by its exact class: the interface has two).</summary>
    private static async Task<long> Loop(IBarePongGrain pong, long rounds)
    {
        long ok = 0;
        for (long r = 0; r < rounds; r++)
        {
            if (await pong.Pong(r) == r + 1)
            {
                ok++;
            }
        }

        return ok;
    }
}
