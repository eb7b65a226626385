using Orleans.Concurrency;

namespace ProcessMesh.Contracts.Scenarios;

/// <summary>
/// The <c>ipc-cost</c> scenario's message hand-off, in two variants with the same code: a payload that Orleans
/// copies on every call and reply (as IPC copies bytes), and the same payload passed as <see cref="Immutable{T}"/>,
/// which Orleans hands over without a copy, so the difference is the copy and the rest is dispatch.
/// </summary>
public interface IHandOffGrain : IGrainWithStringKey
{
    /// <summary>Bounces a payload of <paramref name="payloadBytes"/> off <paramref name="peer"/> <paramref name="rounds"/> times; returns the seconds it took.</summary>
    Task<double> Bounce(string peer, int payloadBytes, int rounds, bool zeroCopy);

    /// <summary>Returns the payload (Orleans copies it in and out).</summary>
    Task<byte[]> Echo(byte[] payload);

    /// <summary>Returns the payload (no copy either way).</summary>
    Task<Immutable<byte[]>> EchoShared(Immutable<byte[]> payload);
}
