using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Bench;

/// <summary>Answers a bare ping, on the silo its key names.</summary>
[SiloTargetPlacement]
public sealed class BareSiloPongGrain(ILocalSiloDetails silo) : Grain, IBareSiloPongGrain
{
    public Task<long> Pong(long sequence) => Task.FromResult(sequence + 1);

    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
