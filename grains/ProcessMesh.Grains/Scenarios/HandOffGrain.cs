using System.Diagnostics;
using ProcessMesh.Contracts.Scenarios;

namespace ProcessMesh.Grains.Scenarios;

/// <summary>
/// One end of the <c>ipc-cost</c> hand-off. The two variants run the same loop; only the argument's type differs:
/// a <c>byte[]</c> Orleans deep-copies on the call and on the reply, an <see cref="Immutable{T}"/> it passes by
/// reference. The loop runs inside the silo, so the client's link is not in the figure.
/// </summary>
internal sealed class HandOffGrain : Grain, IHandOffGrain
{
    public async Task<double> Bounce(string peer, int payloadBytes, int rounds, bool zeroCopy)
    {
        var other = GrainFactory.GetGrain<IHandOffGrain>(peer);
        var payload = new byte[payloadBytes];
        payload.AsSpan().Fill(1);
        var shared = new Immutable<byte[]>(payload);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            var length = zeroCopy ? (await other.EchoShared(shared)).Value.Length : (await other.Echo(payload)).Length;
            if (length != payloadBytes)
            {
                throw new InvalidOperationException($"the hand-off returned {length} bytes, not {payloadBytes}");
            }
        }

        return clock.Elapsed.TotalSeconds;
    }

    public Task<byte[]> Echo(byte[] payload) => Task.FromResult(payload);

    public Task<Immutable<byte[]>> EchoShared(Immutable<byte[]> payload) => Task.FromResult(payload);
}
