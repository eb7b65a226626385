using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;
using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// Tables for people, fitted to a width (the terminal's, or <see cref="DefaultWidth"/> when it is unknown or
/// output is redirected): no header cut, no value wrapped. The columns come from <see cref="TableColumns"/>.
/// </summary>
internal sealed class TableFormat(int width = TableFormat.DefaultWidth, bool allColumns = false) : IResultFormat
{
    /// <summary>The width tables fit when the terminal's is unknown.</summary>
    public const int DefaultWidth = 120;

    /// <summary>
    /// A console that writes to <paramref name="writer"/> at <paramref name="width"/> columns, in colour only when
    /// it is the terminal's own standard output (a file, a pipe or a test's writer gets plain text).
    /// </summary>
    public static IAnsiConsole ConsoleFor(TextWriter writer, int width)
    {
        var terminal = IsTerminal(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        console.Profile.Width = width;
        return console;
    }

    /// <summary>Whether <paramref name="writer"/> is standard output and standard output is a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) => writer == Console.Out && !Console.IsOutputRedirected;

    /// <summary>The terminal's width when standard output is one, else <see cref="DefaultWidth"/>.</summary>
    public static int TerminalWidth()
    {
        try
        {
            return !Console.IsOutputRedirected && Console.WindowWidth > 20 ? Console.WindowWidth : DefaultWidth;
        }
        catch (IOException)
        {
            return DefaultWidth;
        }
    }

    public void Write(Report report, TextWriter writer)
    {
        // Every line is fitted below; all columns may be wider than the terminal, and then the terminal wraps.
        var console = ConsoleFor(writer, allColumns ? 10_000 : width);

        var runs = report.Runs;
        var notes = new List<string>();
        if (runs.Count > 0)
        {
            var load = runs.Any(r => r.Grains is not null);
            var columns = load ? TableColumns.Load : TableColumns.Run;
            var (cols, rows) = TableColumns.Select(columns, runs, allColumns);
            var (table, hidden) = FittedTable.Build(load ? LoadTitle(runs[0]) : RunTitle(runs), cols, rows, allColumns ? int.MaxValue : width);
            console.Write(table);
            notes.AddRange(Notes(runs, load));
            var more = hidden.Concat(allColumns ? [] : TableColumns.WideHeaders(columns, runs)).ToList();
            if (more.Count > 0)
            {
                notes.Add($"Also measured ({string.Join(", ", more)}): --columns all, or --format json|csv.");
            }
        }

        foreach (var note in notes)
        {
            console.WriteLine(note);
        }

        if (report.Isolation is { Count: > 0 } || report.HandOff is not null)
        {
            console.Write(IsolationTable(report));
        }

        if (report.ProcessCost?.FirstOrDefault(c => c.Source != ProcessCost.Measured) is { } calibrated)
        {
            var ways = string.Join(", ", report.ProcessCost.Where(c => c.Source != ProcessCost.Measured).Select(c => $"{c.As} ({CostModel.IpcName(c.As, c.Ipc ?? "")})"));
            console.WriteLine($"Real processes, {ways}: {calibrated.CalibratedOn}.");
        }

        if (report.EmulationError is { Count: > 0 } errors)
        {
            console.Write(EmulationErrorTable(report.Runs, errors));
            console.WriteLine("Each figure (emulated − real) / real; memory / worker: the emulated worker's against the real processes' Pss per worker.");
            if (report.Runs.FirstOrDefault(r => r.Model == Models.Process && r.Calibration is not null)?.Calibration is { } calibration)
            {
                console.WriteLine($"The real processes ran in this run, the emulated ones pay the calibration of {calibration.MeasuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: " +
                                  "where this machine has moved since (another program's load, a VM's host), that is in the error too; `processmesh calibrate --again` just before keeps it out.");
            }
        }

        if (report.HandOff is { CrossingMicrosecondsPerMessage: { } crossing } h)
        {
            console.WriteLine($"Crossing a silo: {crossing:+0.00;-0.00} µs per process message ({h.CrossSiloMicrosPerMessage:0.00} µs between two silos, " +
                              $"{h.ProcessMicrosPerMessage:0.00} µs inside one; {Noise.Describe(h.CrossingVerdict ?? Difference.NoSpread)}).");
        }

        if (report.Changes is { Count: > 0 } changes)
        {
            console.Write(ChangeTable.Build(changes, width));
        }

        if (report.Heap is { } heap)
        {
            console.WriteLine(heap.Describe());
        }

        foreach (var failure in report.Failures ?? [])
        {
            console.MarkupLine($"[red]failed:[/] {Markup.Escape(failure)}");
        }
    }

    private static string RunTitle(IReadOnlyList<RunResult> runs)
    {
        var first = runs[0];
        var work = runs.Select(r => r.Work).Distinct().Count() == 1 ? $"{first.Work:N0} units" : "units vary";
        var grain = runs.Select(r => r.Granularity).Distinct().Count() == 1 ? $", {first.Granularity:N0} per message" : "";
        return $"{first.Workload}: {work}{grain}";
    }

    private static string LoadTitle(RunResult first) =>
        $"load: {first.LoadMode} loop, {first.Path} path, {first.WallSeconds:0.#} s drives";

    /// <summary>The lines under a results table: the machine, and what the figures are measured against.</summary>
    private static IEnumerable<string> Notes(IReadOnlyList<RunResult> runs, bool load)
    {
        var first = runs[0];
        var m = first.Machine;
        yield return $"Measured on {m.Cores} cores, {Bytes.Format(m.MemoryBytes)}, {m.Gc} GC, {Figures.Count(first.Silos, "silo")}, .NET {m.Runtime}; " +
                     $"median of {Figures.Count(first.Repeats, "repeat")}.";
        if (m.SiloMachines.Count > 1)
        {
            yield return $"silos: {string.Join(", ", m.SiloMachines.Select(s => s.Silo))} ({m.Machines} {(m.Machines == 1 ? "machine" : "machines")}, {m.ClusterCores} cores between them).";
        }
        if (load)
        {
            yield break;
        }

        if (runs.Any(r => r.Speedup is not null))
        {
            yield return "speedup: against 1 worker of the same model and sizes; eff. is speedup / workers.";
        }

        if (runs.Any(r => r.Baseline == true))
        {
            yield return "(baseline): a one-worker run made only as the reference for speedup.";
        }

        foreach (var why in runs.Select(Speedup.WhyNone).OfType<string>().Distinct())
        {
            yield return why;
        }

        // How the process workers were processes, and whose machine the costs were calibrated on.
        foreach (var emulated in runs.Where(r => r.Emulate is not null and not Emulation.Grain && r.Calibration is not null)
                     .Select(r => CostModel.Describe(r.Emulate!, r.Ipc ?? "", r.Calibration!.Machine, r.Calibration.MeasuredAt) +
                                  (r.Footprint == Emulation.Modelled ? "; footprint modelled (counted, not allocated)" : ""))
                     .Distinct())
        {
            yield return emulated;
        }

        foreach (var note in runs.SelectMany(r => r.Notes.Select(n => $"{r.Model} ×{r.Workers}: {n}")).Distinct())
        {
            yield return note;
        }

        // A run across silos, or one that lost a silo, says where its workers were and what became of its messages.
        // Each on its own lines: where the workers were, the ledger, and where the messages went.
        foreach (var r in runs.Where(r => (r.Ledger is not null && r.Silos > 1) || r.Outcome != Outcomes.Completed))
        {
            var placement = r.Placement is null ? "" : $" ({r.Placement})";
            yield return $"{r.Model} ×{r.Workers}{placement}: {r.Outcome}{(r.PerSilo.Count > 0 ? $"; workers {PerSilo(r.PerSilo)}" : "")}" +
                         (r.Outcome == Outcomes.Lost ? $"; {r.LostWork:N0} units lost" : "") + (r.Failure is null ? "" : $"; {r.Failure}");
            if (r.Ledger is null)
            {
                continue;
            }

            yield return $"  ledger: sent {r.Ledger.Sent:N0} = delivered {r.Ledger.Delivered:N0} + failed {r.Ledger.Failed:N0}";
            if (r.CrossSiloMessages > 0)
            {
                yield return $"  messages: {r.CrossSiloMessages:N0} crossed silos (p50 {r.CrossSiloLatency?.P50:0.#} µs), {r.LocalMessages:N0} stayed inside one" +
                             (r.LocalLatency is { Count: > 0 } l ? $" (p50 {l.P50:0.#} µs)" : "");
            }
        }
    }

    /// <summary>Workers per silo: each silo by name when they fit a line, else how many silos and the range.</summary>
    private static string PerSilo(IReadOnlyList<SiloFigures> silos)
    {
        var named = string.Join(", ", silos.Select(s => $"{s.Silo} {s.Workers:N0}"));
        return named.Length <= 72 || silos.Count == 0
            ? named
            : $"on {silos.Count} silos, {silos.Min(s => s.Workers):N0}–{silos.Max(s => s.Workers):N0} each";
    }

    private Table IsolationTable(Report report)
    {
        List<FittedCell[]> rows = [];
        if (report.HandOff is { } h)
        {
            rows.Add(["time / message", Int(h.Workers), $"{h.ProcessMicrosPerMessage:0.00} µs", $"{h.ThreadMicrosPerMessage:0.00} µs",
                Cost(h.ExtraMicrosecondsPerMessage, h.NoiseMicros, h.Verdict, v => $"{v:0.00} µs"), $"pingpong, {h.RoundTrips:N0} round trips"]);
            if (h.CrossSiloMicrosPerMessage is { } cross)
            {
                rows.Add(["time / message, 2 silos", Int(h.Workers), $"{cross:0.00} µs", $"{h.ThreadMicrosPerMessage:0.00} µs",
                    Cost(cross - h.ThreadMicrosPerMessage, h.CrossSiloExtraNoiseMicros ?? 0, h.CrossSiloExtraVerdict ?? Difference.NoSpread, v => $"{v:0.00} µs"), "pingpong, pair on 2 silos"]);
            }
        }

        foreach (var c in report.Isolation ?? [])
        {
            var process = report.Runs.First(r => r.Model == Models.Process && r.Workers == c.Workers);
            var thread = report.Runs.First(r => r.Model == Models.Thread && r.Workers == c.Workers);
            rows.Add(["memory / worker", Int(c.Workers), Bytes.Format(process.MemoryPerWorkerBytes), Bytes.Format(thread.MemoryPerWorkerBytes),
                Cost(c.ExtraBytesPerWorker, c.ExtraBytesPerWorkerNoise, c.MemoryVerdict, v => Bytes.Format(v)), "memory growth / live worker"]);
        }

        rows.AddRange(CalibratedRows(report));

        FittedColumn[] columns = [new("cost", 0, Left: true), new("workers", 0), new("process", 0), new("thread", 0), new("extra", 0), new("measured by", 0, Left: true)];
        return FittedTable.Build("The cost of isolation: process against thread", columns, rows, width).Table;
    }

    /// <summary>
    /// The rows of what a real OS process costs beside a thread: a message, the memory, the start, for each
    /// calibrated way of being a process; and the grain's measured start. The thread's start is calibrated too.
    /// </summary>
    private static IEnumerable<FittedCell[]> CalibratedRows(Report report)
    {
        if (report.ThreadCost is not { } thread || report.ProcessCost is not { Count: > 0 } costs)
        {
            yield break;
        }

        var threadStart = thread.StartMicros is { } ts ? Micros(ts) : "—";
        foreach (var c in costs.Where(c => c.Source != ProcessCost.Measured))
        {
            yield return [$"message, {c.As}", "2", Micros(c.MicrosPerMessage), Micros(thread.MicrosPerMessage), Plain(c.MicrosPerMessage - thread.MicrosPerMessage, Micros), $"calibrated: {c.Ipc}, 8 B"];
        }

        foreach (var c in costs.Where(c => c.Source != ProcessCost.Measured))
        {
            yield return [$"memory, {c.As}", "—", Bytes.Format(c.BytesPerWorker), Bytes.Format(thread.BytesPerWorker), Plain(c.BytesPerWorker - thread.BytesPerWorker, v => Bytes.Format((long)v)), "calibrated: Pss / extra"];
        }

        foreach (var c in costs)
        {
            var start = c.StartMicros is { } s ? Micros(s) : "—";
            var extra = c.StartMicros is { } cs && thread.StartMicros is { } t ? Plain(cs - t, Micros) : "—";
            yield return [$"start, {c.As}", "—", start, threadStart, extra,
                c.Source == ProcessCost.Measured ? "measured: start / worker" : "calibrated: spawn to reply"];
        }
    }

    /// <summary>The emulation's error, one column per figure: emulated against real, signed percent.</summary>
    private Table EmulationErrorTable(IReadOnlyList<RunResult> runs, IReadOnlyList<EmulationError> errors)
    {
        var emulated = runs.First(r => r.Model == Models.Process && r.Emulate is Emulation.DotNet or Emulation.Python);
        var rows = errors.Select(e => new FittedCell[]
        {
            Int(e.Workers), Percent(e.ThroughputPercent), Percent(e.SpeedupPercent), Percent(e.LatencyP50Percent), Percent(e.LatencyP99Percent), Percent(e.MemoryPerWorkerPercent),
        }).ToList();
        FittedColumn[] columns = [new("workers", 0), new("throughput", 0), new("speedup", 0), new("p50", 0), new("p99", 0), new("memory / worker", 0)];
        return FittedTable.Build($"Emulation error: {emulated.Emulate} emulated against os, signed %", columns, rows, width).Table;
    }

    private static string Percent(double? value) => value is { } v ? $"{v:+0.0;-0.0;0.0} %" : "—";

    private static string Micros(double micros) => micros >= 1000 ? $"{micros / 1000:0.0} ms" : $"{micros:0.00} µs";

    private static string Plain(double value, Func<double, string> format) => value >= 0 ? $"+{format(value)}" : $"-{format(-value)}";

    private static string Int(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A cost as people should read it: the figure when it is above its noise, else what it is.</summary>
    private static FittedCell Cost(double value, double noise, Difference verdict, Func<double, string> format) => verdict switch
    {
        Difference.BeyondNoise => format(value),
        Difference.WithinNoise => new FittedCell($"within noise ±{format(noise)}", "grey"),
        Difference.NoSpread => new FittedCell($"{format(value)} (1 repeat: noise unknown)", "grey"),
        _ => new FittedCell($"below resolution ({format(value)})", "grey"),
    };
}
