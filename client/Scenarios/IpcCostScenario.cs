using System.Text.Json;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// ipc-cost: the time of one message between two processes against one hand-off between two threads through
/// shared memory, at a small and a large payload, for processes as ProcessMesh has them (a grain, an emulated .NET
/// and CPython process) and beside them the real thing: .NET worker processes over a real pipe (<c>--model os</c>),
/// and CPython itself (multiprocessing.Pipe against queue.Queue between threads).
/// </summary>
internal sealed class IpcCostScenario : IScenario
{
    /// <summary>Payload sizes and the round trips each starts from (sized up until no run is under 0.2 s).</summary>
    private static readonly (int Bytes, int Rounds)[] _payloads = [(8, 15_000), (1 << 20, 150)];

    public string Name => "ipc-cost";

    public string Claim => "Communication between processes costs more than between threads.";

    public int Order => 2;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var profiles = AsProcess.Profiles(context);
        var runs = new List<RunResult>();
        var thread = new List<Sample>();
        var emulated = profiles.ToDictionary(p => p, _ => new List<Sample>());
        var real = new List<Sample>();
        foreach (var (bytes, rounds) in _payloads)
        {
            var spec = new RunSpec { Workload = Workload.PingPong, Workers = 2, Work = rounds, PayloadBytes = bytes };
            List<RunSpec> specs = [spec with { Model = Models.Thread }, .. profiles.Select(p => AsProcess.Emulated(spec, p, held: false)), AsProcess.Real(spec)];
            var measured = await context.MeasureAllAsync(specs, cancellationToken, Sizing.Each);
            runs.AddRange(measured);
            thread.Add(PerMessage(measured[0]));
            for (var i = 0; i < profiles.Count; i++)
            {
                emulated[profiles[i]].Add(PerMessage(measured[i + 1]));
            }

            real.Add(PerMessage(measured[^1]));
        }

        var notes = new List<string>
        {
            "thread: the model's shared-memory hand-off (a slot and a wait handle); process: the model's pingpong between 2 workers, each a grain, an emulated process (--emulate, over a pipe) or a real .NET process (--model os, over a real pipe)",
            "each run is sized to last at least 0.2 s, so the round trips differ by row; a figure is µs per message (a round trip is two)",
            "emulated processes pay every message's calibrated cost; their footprint is modelled and their start not paid (neither is on the clock)",
        };
        var verdicts = new Dictionary<string, Verdict>();
        var rows = new List<IReadOnlyList<string>> { Row("thread (model: thread)", thread, null, null) };
        foreach (var profile in profiles)
        {
            verdicts[profile] = Judge(emulated[profile], thread);
            rows.Add(Row($"{AsProcess.Label(profile)} (model: process)", emulated[profile], thread, verdicts[profile]));
        }

        var realVerdicts = new Dictionary<string, Verdict> { [Emulation.DotNet] = Judge(real, thread) };
        rows.Add(Row($"real dotnet process (model: os, {AsProcess.Ipc})", real, thread, realVerdicts[Emulation.DotNet]));

        var reference = context.Python is null ? null : await ScenarioPython.RunAsync(context, "ipc-cost", notes, cancellationToken);
        if (reference is { } py)
        {
            var pyThreads = _payloads.Select(p => PythonPerMessage(py, $"thread{p.Bytes}")).ToList();
            var pyProcesses = _payloads.Select(p => PythonPerMessage(py, $"process{p.Bytes}")).ToList();
            realVerdicts[Emulation.Python] = Judge(pyProcesses, pyThreads);
            rows.Add(Row($"CPython {ScenarioPython.Version(py)} threads (queue.Queue)", pyThreads, null, null));
            rows.Add(Row("CPython processes (multiprocessing.Pipe)", pyProcesses, pyThreads, realVerdicts[Emulation.Python]));
            notes.Add("CPython's own processes are judged against CPython's own threads; the emulated python process against the model's thread");
        }

        foreach (var profile in profiles.Where(p => p != Emulation.Grain))
        {
            rows.Add([$"emulated {profile} against real {profile}", .. _payloads.Select(_ => ""), .. _payloads.Select(_ => ""),
                      Verdicts.Agrees(verdicts[profile], realVerdicts.TryGetValue(profile, out var r) ? r : null)]);
        }

        var (verdict, reason) = Judge(verdicts, realVerdicts, thread, emulated);
        var sizes = _payloads.Select(p => Bytes.Format(p.Bytes)).ToList();
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence($"µs per message (median and band of {context.Repeats} repeats), 1 pair",
                ["who", .. sizes.Select(s => $"µs at {s}"), .. sizes.Select(s => $"×thread at {s}"), "costs more, every size"], rows),
            runs, notes, reference,
            new ScenarioChart("ipc-cost", "µs per message against payload", "payload bytes (log scale)", "µs per message (log scale)",
                [new ChartSeries("thread", [.. _payloads.Select(p => (double)p.Bytes)], [.. thread.Select(t => t.Median)]),
                 .. profiles.Select(p => new ChartSeries(AsProcess.Label(p), [.. _payloads.Select(x => (double)x.Bytes)], [.. emulated[p].Select(e => e.Median)])),
                 new ChartSeries("real dotnet (os)", [.. _payloads.Select(p => (double)p.Bytes)], [.. real.Select(r => r.Median)])], LogX: true, LogY: true));
    }

    /// <summary>The claim for one way of being a process: a message costs more than a thread hand-off, beyond noise, at every payload.</summary>
    public static Verdict Judge(IReadOnlyList<Sample> process, IReadOnlyList<Sample> thread) =>
        Verdicts.All([.. process.Zip(thread, Noise.Larger)]);

    /// <summary>The scenario's verdict: the emulated processes' (all must hold), with the grain's and the agreement with the real processes in the reason.</summary>
    public static (Verdict Verdict, string Reason) Judge(IReadOnlyDictionary<string, Verdict> emulated, IReadOnlyDictionary<string, Verdict> real, IReadOnlyList<Sample> thread, IReadOnlyDictionary<string, List<Sample>> figures)
    {
        var processes = emulated.Where(e => e.Key != Emulation.Grain).ToList();
        var verdict = processes.Count == 0 ? Verdict.Inconclusive : Verdicts.All([.. processes.Select(e => e.Value)]);
        var parts = processes.Select(e =>
            $"emulated {e.Key} {Cells.Times(figures[e.Key][0].Median / thread[0].Median)} a thread hand-off at the smallest payload: {Noise.Describe(e.Value)} " +
            $"(real: {(real.TryGetValue(e.Key, out var r) ? Noise.Describe(r) : "not measured")}; {Verdicts.Agrees(e.Value, real.TryGetValue(e.Key, out var r2) ? r2 : null)})");
        var grain = emulated.TryGetValue(Emulation.Grain, out var g)
            ? $"; a grain {Cells.Times(figures[Emulation.Grain][0].Median / thread[0].Median)}: {Noise.Describe(g)} (an Orleans message is not an OS pipe)"
            : "";
        return (verdict, string.Join("; ", parts) + grain);
    }

    private static IReadOnlyList<string> Row(string who, IReadOnlyList<Sample> perMessage, IReadOnlyList<Sample>? thread, Verdict? verdict) =>
    [
        who, .. perMessage.Select(Cells.Number),
        .. perMessage.Select((p, i) => thread is null ? "" : Cells.Ratio(Noise.Ratio(p, thread[i]))),
        verdict is { } v ? Noise.Describe(v) : "",
    ];

    /// <summary>A run's microseconds per message, with the band of its repeats.</summary>
    private static Sample PerMessage(RunResult r) => Sample.Wall(r).Scale(1e6 / Math.Max(1, r.Messages));

    /// <summary>CPython's microseconds per message of one variant: its run's seconds over two messages a round trip.</summary>
    private static Sample PythonPerMessage(JsonElement py, string variant) =>
        PythonReference.Timing(py.GetProperty(variant)).Scale(1e6 / (2.0 * py.GetProperty("rounds").GetProperty(variant).GetDouble()));
}
