namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Measures what a grain call between two process workers already costs on this silo, so the emulation pays only
/// the rest (<see cref="Contracts.CostModel.Paid"/>): a pair of these bounce calls as workers do, each its own
/// call filter as a worker is, both placed on the silo that asks.
/// </summary>
public interface IGrainCallProbeGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Calls <paramref name="partner"/> <paramref name="rounds"/> times, one call at a time, each call stamped with its
    /// send time when <paramref name="stamped"/> (as a worker stamps its messages in an emulated run); each round trip's
    /// <see cref="System.Diagnostics.Stopwatch"/> ticks.
    /// </summary>
    Task<long[]> Bounce(IGrainCallProbeGrain partner, int rounds, bool stamped);

    /// <summary>Answers a call.</summary>
    Task<long> Echo(long value);
}

/// <inheritdoc cref="IGrainCallProbeGrain" />
[PreferLocalPlacement]
internal sealed class GrainCallProbeGrain : Grain, IGrainCallProbeGrain, IIncomingGrainCallFilter
{
    public async Task<long[]> Bounce(IGrainCallProbeGrain partner, int rounds, bool stamped)
    {
        var times = new long[rounds];
        for (var i = 0; i < rounds; i++)
        {
            if (stamped)
            {
                EmulatedProcess.StampSend();
            }

            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            await partner.Echo(i);
            times[i] = System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }

        return times;
    }

    public Task<long> Echo(long value) => Task.FromResult(value + 1);

    /// <summary>
    /// Carries an <see cref="Echo"/> as an emulated worker carries a message when the carrying probe gave this grain a
    /// process (<see cref="ProcessCosts.ProbeCarryingAsync"/>); otherwise passes every call on, as a process worker of a
    /// <c>grain</c> run does.
    /// </summary>
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.MethodName == nameof(Echo) && ProcessCosts.CarrierOf(this.GetPrimaryKey()) is { } carrier
            ? carrier.CarryAsync(context)
            : context.Invoke();
}
