using Orleans.Concurrency;

namespace ProcessMesh.Contracts.Scenarios;

/// <summary>
/// The <c>deadlock</c> scenario's message half: a non-reentrant grain (a single-threaded process) that calls a
/// peer which calls it back. The caller is busy awaiting its peer, so the call back waits for the caller: a cycle.
/// </summary>
public interface IDeadlockPeerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Calls <paramref name="peer"/>, which calls this grain back (a plain call, or with
    /// <paramref name="interleave"/> one marked <c>[AlwaysInterleave]</c>); gives up on the peer after
    /// <paramref name="timeoutMs"/> and reports the cycle.
    /// </summary>
    Task<CallCycleReport> CallPeer(string peer, bool interleave, int timeoutMs);

    /// <summary>Called by the peer: calls <paramref name="caller"/> back.</summary>
    Task CallBack(string caller, bool interleave);

    /// <summary>A plain call: waits its turn behind whatever this grain is doing.</summary>
    Task Ping();

    /// <summary>A call that runs even while this grain awaits something else.</summary>
    [AlwaysInterleave]
    Task PingInterleaved();
}
