using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;
using ProcessMesh.Contracts.Scenarios;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// ipc-cost: the time of one message between two processes (grains) against one hand-off between two threads
/// through shared memory, with payloads from 8 B to 1 MiB; and the same grain hand-off with a copied and with an
/// immutable (zero-copy) payload, which splits the message's cost into copy and dispatch.
/// </summary>
internal sealed class IpcCostScenario : IScenario
{
    /// <summary>Payload sizes and the round trips each is measured over (fewer for large payloads).</summary>
    private static readonly (int Bytes, int Rounds)[] _payloads = [(8, 15_000), (1 << 10, 15_000), (64 << 10, 2_000), (1 << 20, 150)];

    public string Name => "ipc-cost";

    public string Claim => "Communication between processes costs more than between threads.";

    public int Order => 2;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var rows = new List<IReadOnlyList<string>>();
        var runs = new List<RunResult>();
        var verdicts = new List<Verdict>();
        var series = new Dictionary<string, (List<double> X, List<double> Y)> { ["thread"] = ([], []), ["process"] = ([], []), ["grain, copied"] = ([], []), ["grain, zero-copy"] = ([], []) };
        var run = Guid.NewGuid().ToString("N");
        foreach (var (bytes, rounds) in _payloads)
        {
            var spec = new RunSpec { Workload = Workload.PingPong, Workers = 2, Work = rounds, PayloadBytes = bytes };
            var pair = await context.MeasureAllAsync([spec with { Model = Models.Thread }, spec with { Model = Models.Process }], cancellationToken);
            var (thread, process) = (pair[0], pair[1]);
            runs.AddRange([thread, process]);
            var ping = context.Grains.GetGrain<IHandOffGrain>($"{run}/ping");
            var pong = $"{run}/pong";
            var copied = await context.RepeatAsync($"grain hand-off, {Bytes.Format(bytes)} copied", () => ping.Bounce(pong, bytes, rounds, zeroCopy: false).WaitAsync(cancellationToken));
            var shared = await context.RepeatAsync($"grain hand-off, {Bytes.Format(bytes)} zero-copy", () => ping.Bounce(pong, bytes, rounds, zeroCopy: true).WaitAsync(cancellationToken));

            // Microseconds per message: a round trip is two messages (the model's records count them).
            var threadUs = PerMessage(thread);
            var processUs = PerMessage(process);
            var copiedUs = copied.Scale(1e6 / (2.0 * rounds));
            var sharedUs = shared.Scale(1e6 / (2.0 * rounds));
            verdicts.Add(Noise.Larger(processUs, threadUs));
            rows.Add([
                Bytes.Format(bytes), Cells.Number(threadUs), Cells.Number(processUs), Cells.Number(copiedUs), Cells.Number(sharedUs),
                Cells.Significant(Math.Max(0, copiedUs.Median - sharedUs.Median)), Cells.Times(processUs.Median / threadUs.Median),
            ]);
            foreach (var (name, value) in new[] { ("thread", threadUs), ("process", processUs), ("grain, copied", copiedUs), ("grain, zero-copy", sharedUs) })
            {
                series[name].X.Add(bytes);
                series[name].Y.Add(value.Median);
            }
        }

        var verdict = Verdicts.All([.. verdicts]);
        var beyond = verdicts.Count(v => v == Verdict.Holds);
        var reason = $"a message between processes cost more than a shared-memory hand-off beyond noise at {beyond} of {_payloads.Length} payload sizes " +
                     $"({rows[0][6]} at {rows[0][0]}, {rows[^1][6]} at {rows[^1][0]}); the copy is the copied minus the zero-copy grain hand-off, the rest is dispatch";
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence("µs per message (median and range of repeats), 1 pair", ["payload", "thread", "process", "grain copied", "grain zero-copy", "copy µs", "process/thread"], rows),
            runs,
            [
                "thread: the model's shared-memory hand-off (a slot and a wait handle); process: the model's pingpong (each side copies the payload into its own memory)",
                "grain copied/zero-copy: the same grain loop inside the silo, a byte[] Orleans copies on call and reply against an Immutable<byte[]> it passes by reference",
            ],
            Chart: new ScenarioChart("ipc-cost", "µs per message against payload", "payload bytes (log scale)", "µs per message (log scale)",
                series.Select(s => new ChartSeries(s.Key, s.Value.X, s.Value.Y)).ToList(), LogX: true, LogY: true));
    }

    /// <summary>A run's microseconds per message, with the range of its repeats.</summary>
    private static Sample PerMessage(RunResult r) => Sample.Wall(r).Scale(1e6 / Math.Max(1, r.Messages));
}
