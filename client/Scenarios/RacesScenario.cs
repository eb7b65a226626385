using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// races: two threads increment one shared counter under each primitive, and without one; two processes do the
/// same by message. Lost updates are counted in every repeat; the price of correctness is the time per increment.
/// </summary>
internal sealed class RacesScenario : IScenario
{
    /// <summary>Increments by the guarded thread variants: enough to price each primitive.</summary>
    public const long ThreadIncrements = 1_000_000;

    /// <summary>
    /// Increments by the unguarded variant: more, because its read-then-write is lost only when both threads run
    /// at the same instant, which on a busy machine happens less often.
    /// </summary>
    public const long UnguardedIncrements = 4_000_000;

    /// <summary>Increments by the process model (each a message): fewer, as each costs microseconds.</summary>
    public const long ProcessIncrements = 20_000;

    private static readonly SyncPrimitive[] _primitives = [SyncPrimitive.None, SyncPrimitive.Interlocked, SyncPrimitive.Spin, SyncPrimitive.Lock];

    public string Name => "races";

    public string Claim => "Unsynchronised shared memory loses updates; each primitive has a price for correctness; message passing has no such race.";

    public int Order => 6;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var specs = _primitives
            .Select(sync => new RunSpec { Model = Models.Thread, Workload = Workload.Counter, Workers = 2, Work = sync == SyncPrimitive.None ? UnguardedIncrements : ThreadIncrements, Sync = sync })
            .Append(new RunSpec { Model = Models.Process, Workload = Workload.Counter, Workers = 2, Work = ProcessIncrements })
            .ToList();
        var repeats = await context.RunRepeatsAsync(specs, cancellationToken);
        var measured = specs.Select((s, i) => (Who: s.Model == Models.Process ? "model: process, messages" : $"model: thread, {s.Sync.ToString().ToLowerInvariant()}", Runs: repeats[i])).ToList();

        var rows = measured.Select(m => Row(m.Who, m.Runs.Sum(r => r.Work) / m.Runs.Count, m.Runs.Select(r => r.LostUpdates).ToList(), Sample.Of(m.Runs.Select(NanosPerIncrement)), m.Runs.All(r => r.Correct))).ToList();
        var (verdict, reason) = Judge(measured[0].Runs.Select(r => r.LostUpdates).ToList(), measured.Skip(1).Select(m => (m.Who, m.Runs.All(r => r.Correct))).ToList());
        var notes = new List<string>();
        var reference = await ScenarioPython.RunAsync(context, "races", notes, cancellationToken, sized: false);
        if (reference is { } py)
        {
            foreach (var (key, who) in new[] { ("plain", "CPython, counter += 1"), ("withCall", "CPython, read; call; write"), ("locked", "CPython, threading.Lock") })
            {
                var figure = py.GetProperty(key);
                var n = 2 * figure.GetProperty("incrementsPerThread").GetInt64();
                var lost = figure.GetProperty("lost").EnumerateArray().Select(l => l.GetInt64()).ToList();
                rows.Add(Row(who, n, lost, PythonReference.Timing(figure).Scale(1e9 / n), lost.All(l => l == 0)));
            }

            var unguarded = py.GetProperty("withCall").GetProperty("lost").EnumerateArray().Select(l => l.GetInt64()).ToList();
            var locked = py.GetProperty("locked").GetProperty("lost").EnumerateArray().All(l => l.GetInt64() == 0);
            var plainLost = py.GetProperty("plain").GetProperty("lost").EnumerateArray().Sum(l => l.GetInt64());
            var (interpreter, _) = Judge(unguarded, [("CPython, threading.Lock", locked)]);
            reason += $"; CPython {ScenarioPython.Version(py)}: a read, a function call and a write lost updates in {unguarded.Count(l => l > 0)} of {unguarded.Count} repeats, " +
                      $"under threading.Lock none; {Verdicts.Agreement(verdict, interpreter)}";
            notes.Add($"CPython's plain `counter += 1` lost {plainLost:N0} updates: since 3.10 the interpreter switches threads only at calls and " +
                      "backward jumps, never inside that statement; the reference therefore puts a function call between the read and the write, as real code does");
        }

        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence("2 workers add to one counter", ["who", "increments", "lost per repeat", "ns / increment (band)", "answer"], rows),
            measured.Select(m => m.Runs.OrderBy(r => r.WallSeconds).ElementAt(m.Runs.Count / 2)).ToList(), notes, reference);
    }

    /// <summary>
    /// The claim on recorded counts: the unguarded counter lost updates in some repeat, and every guarded (or
    /// message-passing) variant was correct in every repeat. No loss at all is inconclusive: the race exists but
    /// did not fire at this size.
    /// </summary>
    public static (Verdict Verdict, string Reason) Judge(IReadOnlyList<long> unguardedLost, IReadOnlyList<(string Who, bool AlwaysCorrect)> guarded)
    {
        var wrong = guarded.Where(g => !g.AlwaysCorrect).Select(g => g.Who).ToList();
        var losing = unguardedLost.Count(l => l > 0);
        if (wrong.Count > 0)
        {
            return (Verdict.DoesNotHold, $"a guarded or message-passing counter lost updates: {string.Join(", ", wrong)}");
        }

        return losing == 0
            ? (Verdict.Inconclusive, $"the unguarded counter lost no update in {unguardedLost.Count} repeats at this size (the race did not fire; raise the work)")
            : (Verdict.Holds, $"the unguarded counter lost updates in {losing} of {unguardedLost.Count} repeats (median {Median(unguardedLost):N0}); every guarded and message-passing counter was exact");
    }

    private static double NanosPerIncrement(RunResult r) => r.Work > 0 ? r.WallSeconds * 1e9 / r.Work : 0;

    private static long Median(IReadOnlyList<long> values) => values.Order().ElementAt(values.Count / 2);

    private static IReadOnlyList<string> Row(string who, long increments, IReadOnlyList<long> lost, Sample nanos, bool correct) =>
        [who, Cells.Count(increments), string.Join(", ", lost.Select(Cells.Count)), Cells.Number(nanos), correct ? "correct" : "wrong"];
}
