namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Measures what a grain call between two process workers already costs on this silo, so the emulation pays only
/// the rest (<see cref="Contracts.CostModel.Paid"/>): a pair of these bounce calls as workers do, each its own
/// call filter as a worker is, both placed on the silo that asks.
/// </summary>
public interface IGrainCallProbeGrain : IGrainWithGuidKey
{
    /// <summary>Calls <paramref name="partner"/> <paramref name="rounds"/> times, one call at a time.</summary>
    Task Bounce(IGrainCallProbeGrain partner, int rounds);

    /// <summary>Answers a call.</summary>
    Task<long> Echo(long value);
}

/// <inheritdoc cref="IGrainCallProbeGrain" />
[PreferLocalPlacement]
internal sealed class GrainCallProbeGrain : Grain, IGrainCallProbeGrain, IIncomingGrainCallFilter
{
    public async Task Bounce(IGrainCallProbeGrain partner, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            await partner.Echo(i);
        }
    }

    public Task<long> Echo(long value) => Task.FromResult(value + 1);

    /// <summary>Passes every call on, as a process worker of a <c>grain</c> run does.</summary>
    public Task Invoke(IIncomingGrainCallContext context) => context.Invoke();
}
