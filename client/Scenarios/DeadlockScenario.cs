using System.Globalization;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts.Scenarios;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// deadlock: two threads taking two locks in opposite order, and two non-reentrant grains calling each other;
/// each beside its control (the same order; a call marked to interleave). Waits are bounded, so every case ends.
/// </summary>
internal sealed class DeadlockScenario : IScenario
{
    /// <summary>How long a thread waits for a lock, or a grain for its peer, before it calls it a deadlock.</summary>
    private const int TimeoutMs = 250;

    public string Name => "deadlock";

    public string Claim => "Locks taken in opposite order deadlock threads; isolation does not remove every hazard: processes calling each other deadlock too.";

    public int Order => 7;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        context.Progress.Begin("two threads, two locks, opposite order");
        var opposite = await context.Grains.GetGrain<ILockOrderGrain>(Guid.NewGuid()).TakeTwoLocks(oppositeOrder: true, TimeoutMs).WaitAsync(cancellationToken);
        context.Progress.End();
        context.Progress.Begin("two threads, two locks, same order");
        var same = await context.Grains.GetGrain<ILockOrderGrain>(Guid.NewGuid()).TakeTwoLocks(oppositeOrder: false, TimeoutMs).WaitAsync(cancellationToken);
        context.Progress.End();
        notes.AddRange(opposite.Threads.Select(t => $"opposite order: {t}"));

        var run = Guid.NewGuid().ToString("N")[..8];
        context.Progress.Begin("two grains calling each other");
        var (a, b) = ($"A-{run}", $"B-{run}");
        var cycle = await context.Grains.GetGrain<IDeadlockPeerGrain>(a).CallPeer(b, interleave: false, TimeoutMs).WaitAsync(cancellationToken);
        // Recovered: once A gave up, both grains answer again (B's queued call back ran and returned).
        var recovered = await Answers(context, a, cancellationToken) && await Answers(context, b, cancellationToken);
        context.Progress.End();
        context.Progress.Begin("two grains calling each other, the call back interleaved");
        var interleaved = await context.Grains.GetGrain<IDeadlockPeerGrain>($"C-{run}").CallPeer($"D-{run}", interleave: true, TimeoutMs).WaitAsync(cancellationToken);
        context.Progress.End();
        notes.Add($"grains: {cycle.Cycle}");

        List<IReadOnlyList<string>> rows =
        [
            ["2 threads, 2 locks", "A: L1 → L2, B: L2 → L1", Outcome(opposite.Deadlocked, opposite.Completed), Seconds(opposite.Seconds)],
            ["2 threads, 2 locks", "A: L1 → L2, B: L1 → L2", Outcome(same.Deadlocked, same.Completed), Seconds(same.Seconds)],
            ["2 grains (non-reentrant)", "A → B → A", Outcome(cycle.Deadlocked, recovered), Seconds(cycle.Seconds)],
            ["2 grains, call back interleaved", "C → D → C", Outcome(interleaved.Deadlocked, true), Seconds(interleaved.Seconds)],
        ];
        var (verdict, reason) = Judge(opposite, same, cycle, recovered, interleaved);
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence($"every wait bounded at {TimeoutMs} ms", ["case", "order", "outcome", "s"], rows), [], notes);
    }

    /// <summary>The claim on what the four cases reported: each hazard deadlocks and is detected, each control completes, and the run recovers.</summary>
    public static (Verdict Verdict, string Reason) Judge(LockOrderReport opposite, LockOrderReport same, CallCycleReport cycle, bool recovered, CallCycleReport interleaved)
    {
        var problems = new List<string>();
        if (!opposite.Deadlocked)
        {
            problems.Add("locks in opposite order did not deadlock");
        }

        if (same.Deadlocked || !same.Completed)
        {
            problems.Add("locks in the same order did not complete");
        }

        if (!cycle.Deadlocked)
        {
            problems.Add("grains calling each other did not deadlock");
        }

        if (interleaved.Deadlocked)
        {
            problems.Add("the interleaved call back deadlocked");
        }

        if (problems.Count > 0)
        {
            return (Verdict.DoesNotHold, string.Join("; ", problems));
        }

        if (!opposite.Completed || !recovered)
        {
            return (Verdict.Inconclusive, "both hazards deadlocked, but the run did not recover from one of them");
        }

        return (Verdict.Holds, "in opposite lock order each thread held one lock and waited for the other's (detected by a bounded wait, after which the thread that timed out let go and retried in the one global order); " +
                               "two non-reentrant grains calling each other deadlocked too (detected by a call timeout; both answered again after it); " +
                               "the same lock order, and a call back marked [AlwaysInterleave], completed");
    }

    private static async Task<bool> Answers(ScenarioContext context, string key, CancellationToken cancellationToken)
    {
        try
        {
            await context.Grains.GetGrain<IDeadlockPeerGrain>(key).Ping().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Outcome(bool deadlocked, bool completed) =>
        (deadlocked, completed) switch
        {
            (true, true) => "deadlock detected, recovered",
            (true, false) => "deadlock detected, not recovered",
            (false, true) => "completed",
            _ => "did not complete",
        };

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture);
}
