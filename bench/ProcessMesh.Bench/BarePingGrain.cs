namespace ProcessMesh.Bench;

/// <summary>Loops grain calls with no histogram, no payload and no bookkeeping.</summary>
public sealed class BarePingGrain : Grain, IBarePingGrain
{
    public async Task<long> Run(long partner, long rounds)
    {
        var pong = GrainFactory.GetGrain<IBarePongGrain>(partner);
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

    public async Task<long> RunAgainstFilter(long partner, long rounds)
    {
        var pong = GrainFactory.GetGrain<IFilteredPongGrain>(partner);
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
