using System.Globalization;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>A column of a results table: what it shows, when it applies, and whether it shows by default.</summary>
/// <param name="Header">The header.</param>
/// <param name="Priority">Lower is kept longer when the table must be narrowed to fit (0: never dropped).</param>
/// <param name="Cell">The cell of one record.</param>
internal sealed record ResultColumn(string Header, int Priority, Func<RunResult, FittedCell> Cell)
{
    /// <summary>Left-aligned (a name) rather than right-aligned (a figure).</summary>
    public bool Left { get; init; }

    /// <summary>Shown only with <c>--columns all</c> (the figure is in JSON and CSV either way).</summary>
    public bool Wide { get; init; }

    /// <summary>Whether the column says anything for these records (a dimension that varies, a figure that exists).</summary>
    public Func<IReadOnlyList<RunResult>, bool> Applies { get; init; } = _ => true;
}

/// <summary>
/// The one place that chooses the columns of the results tables. By default a table shows the few columns that
/// answer the question (how fast, how it scaled, what it cost, whether it was right); the rest are marked
/// <see cref="ResultColumn.Wide"/> and shown with <c>--columns all</c>.
/// </summary>
internal static class TableColumns
{
    /// <summary>Columns of a workload run (run, compare, a workload sweep).</summary>
    public static IReadOnlyList<ResultColumn> Run { get; } =
    [
        new("model", 0, r => r.Model) { Left = true },
        new("sync", 1, r => r.Sync ?? "") { Left = true, Applies = rs => rs.Any(r => r.Sync is not null) },
        new("workers", 0, r => r.Baseline == true ? $"{r.Workers} (baseline)" : Int(r.Workers)),
        new("work", 1, r => Figures.Whole(r.Work)) { Applies = Varies(r => r.Work) },
        new("payload", 1, r => Bytes.Format(r.PayloadBytesPerMessage)) { Applies = Varies(r => r.PayloadBytesPerMessage) },
        new("units/msg", 1, r => Figures.Whole(r.Granularity)) { Applies = Varies(r => r.Granularity) },
        new("wall s", 0, r => r.WallSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
        new("spread", 4, r => r.Repeats > 1 ? Figures.Spread(r.WallSeconds, r.WallSecondsMin, r.WallSecondsMax) : ""),
        new("wall range s", 9, r => r.Repeats > 1 ? $"{r.WallSecondsMin:0.000}–{r.WallSecondsMax:0.000}" : "") { Wide = true },
        new("speedup", 1, r => r.Speedup is { } s ? $"{s:0.00}×" : "") { Applies = rs => rs.Any(r => r.Speedup is not null) },
        new("eff.", 5, r => r.Efficiency is { } e ? $"{e * 100:0}%" : "") { Applies = rs => rs.Any(r => r.Efficiency is not null) },
        new("throughput/s", 2, r => Figures.Si(r.Throughput)),
        new("messages", 7, r => Figures.Si(r.Messages)) { Wide = true },
        new("bytes moved", 8, r => Bytes.Format(r.PayloadBytes)) { Wide = true },
        new("mem/worker", 3, r => Bytes.Format(r.MemoryPerWorkerBytes)),
        new("cpu", 7, r => $"{r.CpuUtilisation * 100:0}%") { Wide = true },
        new("p50 µs", 6, r => Figures.Micros(r.Latency.P50)) { Wide = true },
        new("p99 µs", 3, r => Figures.Micros(r.Latency.P99)),
        new("p99.9 µs", 8, r => Figures.Micros(r.Latency.P999)) { Wide = true },
        new("answer", 0, Answer) { Left = true },
    ];

    /// <summary>Columns of a load test (load, a population sweep).</summary>
    public static IReadOnlyList<ResultColumn> Load { get; } =
    [
        new("model", 0, r => r.Model) { Left = true },
        new("grains", 0, r => r.Grains is { } g ? Int(g) : ""),
        new("driven by", 0, DrivenBy),
        new("payload", 1, r => Bytes.Format(r.PayloadBytesPerMessage)) { Applies = Varies(r => r.PayloadBytesPerMessage) },
        new("payload", 9, r => Bytes.Format(r.PayloadBytesPerMessage)) { Wide = true, Applies = rs => !Varies(r => r.PayloadBytesPerMessage)(rs) },
        new("calls/s", 0, r => Figures.Si(r.Throughput)),
        new("spread", 5, r => r.Repeats > 1 && r.ThroughputMin is { } lo && r.ThroughputMax is { } hi ? Figures.Spread(r.Throughput, lo, hi) : "") { Applies = rs => rs.Any(r => r.Repeats > 1) },
        new("p50 µs", 4, r => Figures.Micros(r.Latency.P50)),
        new("p99 µs", 0, r => Figures.Micros(r.Latency.P99)),
        new("p99.9 µs", 6, r => Figures.Micros(r.Latency.P999)),
        new("p99 sent µs", 3, r => r.ServiceLatency is { } s ? Figures.Micros(s.P99) : "") { Applies = rs => rs.Any(r => r.ServiceLatency is not null) },
        new("lag p99 µs", 4, r => r.SendLag is { } l ? Figures.Micros(l.P99) : "") { Applies = rs => rs.Any(r => r.SendLag is not null) },
        new("activation/s", 2, r => r.ActivationRate is { } a ? Figures.Si(a) : ""),
        new("mem/grain", 2, r => r.MemoryPerGrainBytes is { } m ? Bytes.Format(m) : ""),
        new("cpu", 7, r => $"{r.CpuUtilisation * 100:0}%") { Wide = true },
        new("heap before → after", 8, r => r.HeapBeforeBytes is { } b && r.HeapAfterBytes is { } a ? $"{Bytes.Format(b)} → {Bytes.Format(a)}" : "") { Wide = true },
        new("err/timeout", 1, r => new FittedCell($"{r.Errors ?? 0:N0}/{r.Timeouts ?? 0:N0}", (r.Errors ?? 0) + (r.Timeouts ?? 0) > 0 ? "red" : null)),
    ];

    /// <summary>
    /// The columns for <paramref name="runs"/>: those that apply, without the wide ones unless <paramref name="all"/>;
    /// as fitted-table columns and rows.
    /// </summary>
    public static (IReadOnlyList<FittedColumn> Columns, IReadOnlyList<FittedCell[]> Rows) Select(IReadOnlyList<ResultColumn> columns, IReadOnlyList<RunResult> runs, bool all)
    {
        var chosen = columns.Where(c => (all || !c.Wide) && c.Applies(runs)).ToList();
        return (
            [.. chosen.Select(c => new FittedColumn(c.Header, c.Wide ? 10 : c.Priority, c.Left))],
            [.. runs.Select(r => chosen.Select(c => c.Cell(r)).ToArray())]);
    }

    /// <summary>Whether any chosen or wide column is left out by default for <paramref name="runs"/>.</summary>
    public static IReadOnlyList<string> WideHeaders(IReadOnlyList<ResultColumn> columns, IReadOnlyList<RunResult> runs) =>
        [.. columns.Where(c => c.Wide && c.Applies(runs)).Select(c => c.Header)];

    /// <summary>Who drove a load: N callers (process grains) or N threads (thread models), or an open loop's rate.</summary>
    private static FittedCell DrivenBy(RunResult r) =>
        r.LoadMode == "open" ? "open loop"
        : r.Concurrency is { } c ? $"{c} {LoadWorkers(r)}"
        : "";

    /// <summary>What drove a load record's calls, as the record says (<see cref="RunResult.WorkersAre"/>): threads, or calling grains.</summary>
    public static string LoadWorkers(RunResult r) => r.WorkersAre == "threads" ? "threads" : "callers";

    private static FittedCell Answer(RunResult r) =>
        r.Correct ? new FittedCell("correct", "green")
        : r.Outcome == Outcomes.Lost ? new FittedCell("lost", "red")
        : new FittedCell(r.LostUpdates > 0 ? $"wrong: {r.LostUpdates:N0} lost" : "wrong", "red");

    private static Func<IReadOnlyList<RunResult>, bool> Varies<T>(Func<RunResult, T> figure) => rs => rs.Select(figure).Distinct().Count() > 1;

    private static string Int(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
