using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Bench;

/// <summary>Loops grain calls with no histogram, no payload and no bookkeeping, from the silo its key names.</summary>
[SiloTargetPlacement]
public sealed class BareSiloPingGrain(ILocalSiloDetails silo) : Grain, IBareSiloPingGrain
{
    public async Task<long> Run(string partner, long rounds)
    {
        var pong = GrainFactory.GetGrain<IBareSiloPongGrain>(partner);
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

    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
