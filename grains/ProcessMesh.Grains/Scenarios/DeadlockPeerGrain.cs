using System.Diagnostics;
using ProcessMesh.Contracts.Scenarios;

namespace ProcessMesh.Grains.Scenarios;

/// <summary>
/// A non-reentrant grain, one turn at a time, like a single-threaded process: while it awaits its peer, a plain
/// call to it waits in its queue. So A → B → A is a cycle; Orleans would end it only at its response timeout
/// (30 s by default). The caller bounds its own wait instead, reports the cycle and returns, which frees its
/// turn: the queued call back then runs and the peer finishes too.
/// </summary>
internal sealed class DeadlockPeerGrain : Grain, IDeadlockPeerGrain
{
    public async Task<CallCycleReport> CallPeer(string peer, bool interleave, int timeoutMs)
    {
        var self = this.GetPrimaryKeyString();
        var clock = Stopwatch.StartNew();
        var cycle = $"{self} → {peer}.CallBack → {self}.{(interleave ? "PingInterleaved" : "Ping")}";
        try
        {
            await GrainFactory.GetGrain<IDeadlockPeerGrain>(peer).CallBack(self, interleave).WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));
            return new CallCycleReport { Deadlocked = false, Cycle = $"{cycle} (completed)", Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (TimeoutException)
        {
            return new CallCycleReport
            {
                Deadlocked = true,
                Cycle = $"{cycle} ({self} is busy awaiting {peer}; {peer} waits for {self}: no reply in {timeoutMs} ms)",
                Seconds = clock.Elapsed.TotalSeconds,
            };
        }
    }

    public Task CallBack(string caller, bool interleave)
    {
        var back = GrainFactory.GetGrain<IDeadlockPeerGrain>(caller);
        return interleave ? back.PingInterleaved() : back.Ping();
    }

    public Task Ping() => Task.CompletedTask;

    public Task PingInterleaved() => Task.CompletedTask;
}
