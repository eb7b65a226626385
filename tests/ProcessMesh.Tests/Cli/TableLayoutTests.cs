using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// Every table of run, compare, load (closed and open loop), sweep and report, rendered at 120 columns from
/// constructed records with wide values: no line wider than 120, no header cut, no value wrapped onto a second line.
/// </summary>
public sealed class TableLayoutTests
{
    private const int Width = 120;

    private static readonly MachineInfo _machine = new() { Cores = 2, MemoryBytes = 25L << 30, Gc = "server", Silos = 1, Runtime = "10.0.12" };

    private static RunResult Run(string model, int workers, string workload = "cpu", long payload = 0, long granularity = 1000) => new()
    {
        Model = model,
        Workload = workload,
        Workers = workers,
        Silos = 1,
        Work = 400_000,
        Granularity = granularity,
        Sync = model is Models.Thread or Models.Gil ? "interlocked" : null,
        SpeedupApplies = workload is not ("pingpong" or "ring"), // as the cluster's record says
        Repeats = 3,
        WallSeconds = 12.3456,
        WallSecondsMin = 11.1234,
        WallSecondsMax = 123.4567,
        Throughput = 1_234_567.8,
        Messages = 123_456_789,
        PayloadBytes = 123_456_789_012,
        PayloadBytesPerMessage = (int)payload,
        MemoryPerWorkerBytes = 123_456_789,
        MemoryPerWorkerBytesMin = 100_000_000,
        MemoryPerWorkerBytesMax = 130_000_000,
        CpuUtilisation = 0.987,
        Latency = new LatencySummary { P50 = 123_456.7, P99 = 1_234_567.8, P999 = 12_345_678.9, Max = 99_999_999 },
        Correct = model != Models.Thread,
        LostUpdates = model == Models.Thread ? 123_456_789 : 0,
        Machine = _machine,
        Baseline = workers == 1 ? true : null,
    };

    private static RunResult Load(string model, int grains, int callers, bool open, long payload = 0) => Run(model, grains) with
    {
        Workload = "load",
        Grains = grains,
        Concurrency = open ? null : callers,
        WorkersAre = model == Models.Process ? "grains" : "threads",
        PayloadBytesPerMessage = (int)payload,
        ActivationSeconds = 1.5,
        ActivationRate = 78_901.2,
        MemoryPerGrainBytes = 65_536 + 1234,
        Errors = 1_234_567,
        Timeouts = 7_654_321,
        Path = "hosted",
        LoadMode = open ? "open" : "closed",
        Calls = 12_345_678,
        HeapBeforeBytes = 123_456_789,
        HeapAfterBytes = 987_654_321,
        ThroughputMin = 1_000_000,
        ThroughputMax = 1_500_000,
        ServiceLatency = open ? new LatencySummary { P99 = 7_654_321.1 } : null,
        SendLag = open ? new LatencySummary { P99 = 1_111_111.1 } : null,
    };

    public static TheoryData<string> Tables => ["run", "compare", "compare cluster", "load closed", "load open", "sweep load", "sweep workload", "report"];

    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_table_fits_120_columns_with_no_cut_header_and_no_wrapped_value(string verb)
    {
        var report = Report(verb);
        var text = new StringWriter();
        new TableFormat(Width).Write(report, text);
        var lines = text.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= Width, $"{line.TrimEnd().Length} columns: {line}"));
        Assert.DoesNotContain(lines, line => line.Contains('…'));
        // One text line a row: a header, then each record (and each cost) on exactly one line.
        var tables = (report.Isolation is { Count: > 0 } || report.HandOff is not null ? 1 : 0) + 1 + (report.Changes is { Count: > 0 } ? 1 : 0) + (report.EmulationError is { Count: > 0 } ? 1 : 0);
        var calibrated = report.ProcessCost?.Count(c => c.Source != ProcessCost.Measured) ?? 0;
        var rows = report.Runs.Count + (report.HandOff is null ? 0 : report.HandOff.CrossSiloMicrosPerMessage is null ? 1 : 2) + (report.Isolation?.Count ?? 0) + (report.Changes?.Count ?? 0)
                   + (report.ThreadCost is null ? 0 : (2 * calibrated) + (report.ProcessCost?.Count ?? 0)) + (report.EmulationError?.Count ?? 0);
        Assert.Equal(tables + rows, lines.Count(l => l.StartsWith('│')));
    }

    [Fact]
    public void A_comparison_on_a_cluster_says_what_crossing_a_silo_costs_a_message_and_lists_the_silos()
    {
        var text = new StringWriter();
        new TableFormat(Width).Write(Report("compare cluster"), text);

        Assert.Contains("time / message, 2 silos", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("Crossing a silo: +1111.11 µs per process message (1234.56 µs between two silos, 123.45 µs inside one; beyond noise)", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("messages: 82,304,526 crossed silos (p50 1234.5 µs), 41,152,263 stayed inside one (p50 12.3 µs)", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("silos: 10.0.0.7:11111, 10.0.0.8:11111, 10.0.0.9:11111 (3 machines, 6 cores between them).", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void All_columns_show_what_the_default_leaves_out()
    {
        var report = Report("compare");
        var narrow = new StringWriter();
        var wide = new StringWriter();
        new TableFormat(Width).Write(report, narrow);
        new TableFormat(Width, allColumns: true).Write(report, wide);

        Assert.DoesNotContain("p99.9 µs │", narrow.ToString(), StringComparison.Ordinal);
        Assert.Contains("--columns all", narrow.ToString(), StringComparison.Ordinal);
        Assert.Contains("p99.9 µs │", wide.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sync_primitive_is_its_own_column_and_baselines_are_marked()
    {
        var text = new StringWriter();
        new TableFormat(Width).Write(Report("compare"), text);

        Assert.DoesNotContain("gil (", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("│ sync", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 (baseline)", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cost_below_its_noise_or_negative_is_never_printed_as_a_cost()
    {
        RunResult[] runs =
        [
            Run(Models.Process, 1) with { MemoryPerWorkerBytes = 4096, MemoryPerWorkerBytesMin = 0, MemoryPerWorkerBytesMax = 8192 },
            Run(Models.Thread, 1) with { MemoryPerWorkerBytes = 8192, MemoryPerWorkerBytesMin = 8192, MemoryPerWorkerBytesMax = 8192 },
            Run(Models.Process, 2) with { MemoryPerWorkerBytes = 1024, MemoryPerWorkerBytesMin = 1024, MemoryPerWorkerBytesMax = 1024 },
            Run(Models.Thread, 2) with { MemoryPerWorkerBytes = 65_536, MemoryPerWorkerBytesMin = 65_000, MemoryPerWorkerBytesMax = 66_000 },
        ];
        var handOff = new HandOffCost(2, 5000, Process: new Sample(10, 9.8, 10.2, 3), Thread: new Sample(12, 11.8, 12.2, 3));
        var costs = IsolationCost.From(runs, handOff);

        Assert.Equal(Difference.WithinNoise, costs.Single(c => c.Workers == 1).MemoryVerdict);
        Assert.Equal(Difference.BelowResolution, costs.Single(c => c.Workers == 2).MemoryVerdict);
        Assert.Equal(Difference.BelowResolution, handOff.Verdict);
        var text = new StringWriter();
        new TableFormat(Width).Write(new Report(runs, costs, HandOff: handOff), text);
        var table = text.ToString()[text.ToString().IndexOf("The cost of isolation", StringComparison.Ordinal)..];
        Assert.DoesNotMatch(@"│\s+-[\d.]+ (KiB|B|µs)\s+│", table);
        Assert.Contains("within noise", table, StringComparison.Ordinal);
        Assert.Contains("below resolution", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Pingpong_and_ring_have_no_speedup_and_say_why()
    {
        var runs = Speedup.With([Run(Models.Process, 1, "pingpong"), Run(Models.Process, 4, "pingpong"), Run(Models.Thread, 1, "cpu"), Run(Models.Thread, 2, "cpu") with { Throughput = 2_469_135.6 }]);

        Assert.All(runs.Where(r => r.Workload == "pingpong"), r => Assert.Null(r.Speedup));
        Assert.Equal(2.0, runs.Single(r => r.Workload == "cpu" && r.Workers == 2).Speedup!.Value, 3);
        var text = new StringWriter();
        new TableFormat(Width).Write(new Report(runs.Where(r => r.Workload == "pingpong").ToList()), text);
        Assert.DoesNotContain("speedup", text.ToString().Split('\n')[2], StringComparison.Ordinal);
        Assert.Contains("no speedup for pingpong", text.ToString(), StringComparison.Ordinal);
    }

    private static Report Report(string verb)
    {
        string[] models = [Models.Process, Models.Thread, Models.Gil];
        switch (verb)
        {
            case "run":
                return new Report([Run(Models.Thread, 4)]);
            case "compare":
                var runs = new[] { 1, 2, 4 }.SelectMany(w => models.Select(m => Run(m, w))).ToList();
                var handOff = new HandOffCost(2, 5000, new Sample(123.45, 100, 140, 3), new Sample(12.34, 12, 13, 3));
                var calibration = Emulated.SyntheticCalibration.With(oneWayMicros: 103_456.7, startMicros: 1_234_567.8, footprintBytes: 123_456_789_012) with
                {
                    Machine = new CalibratedMachine { Name = "a-machine-with-a-long-name-0123456789" },
                    Threads = [new ThreadCalibration { Kind = Emulation.DotNet, StartMicros = 123_456.7 }],
                };
                var emulated = Run(Models.Process, 4) with { Emulate = Emulation.Python };
                return new Report(
                    [.. runs, Run(Models.Os, 4), emulated],
                    IsolationCost.From(runs, handOff),
                    ["gil cpu ×4: a failure that is long enough to need wrapping, which a failure line may"],
                    HandOff: handOff,
                    ProcessCost: ProcessCost.From(runs, handOff, calibration, withPython: true),
                    ThreadCost: ThreadCost.From(runs, handOff, calibration),
                    EmulationError: [new EmulationError(4, -123.45, 1234.5, -99.9, 12_345.6, -100)]);
            case "compare cluster":
                string[] silos = ["10.0.0.7:11111", "10.0.0.8:11111", "10.0.0.9:11111"];
                var machine = _machine with { Silos = 3, SiloMachines = [.. silos.Select((s, i) => new SiloMachine { Silo = s, Host = $"node-{i}", Cores = 2 })] };
                var spread = new[] { 1, 2, 4 }.SelectMany(w => models.Select(m => Run(m, w) with
                {
                    Silos = 3,
                    Machine = machine,
                    Placement = m == Models.Process ? Placements.Spread : null,
                    CrossSiloMessages = m == Models.Process ? 82_304_526 : null,
                    Ledger = m == Models.Process ? new MessageLedger { Sent = 41_152_263, Delivered = 41_152_263 } : null,
                    PerSilo = [.. silos.Select(s => new SiloFigures { Silo = s, Workers = 1_234 })],
                    LocalMessages = m == Models.Process ? 41_152_263 : null,
                    CrossSiloLatency = m == Models.Process ? new LatencySummary { Count = 41_152_263, P50 = 1_234.5 } : null,
                    LocalLatency = m == Models.Process ? new LatencySummary { Count = 20_576_131, P50 = 12.3 } : null,
                })).ToList();
                var crossing = new HandOffCost(2, 5000, new Sample(123.45, 100, 140, 3), new Sample(12.34, 12, 13, 3)) { CrossSilo = new Sample(1_234.56, 1_220, 1_250, 3) };
                return new Report(spread, IsolationCost.From(spread, crossing), HandOff: crossing);
            case "load closed":
                return new Report([Load(Models.Process, 100_000, 64, open: false)]);
            case "load open":
                return new Report([Load(Models.Process, 1_000_000, 0, open: true)]);
            case "sweep load":
                return new Report(
                    [.. models.SelectMany(m => new[] { 1, 1000, 1_000_000 }.SelectMany(g => new long[] { 0, 65536 }.Select(p => Load(m, g, 32, open: false, p))))],
                    Heap: new SweepHeap(11_100_000, 27_200_000, 25_700_000, 100_000));
            case "sweep workload":
                return new Report([.. models.SelectMany(m => new[] { 2, 4, 8 }.SelectMany(w => new long[] { 0, 1024, 65536 }.Select(p => Run(m, w, "pingpong", p, granularity: w))))]);
            default:
                var sweep = Report("sweep load");
                return sweep with { Changes = [.. sweep.Runs.Take(3).Select(r => new FigureChange(FigureChange.Label(r), "throughput/s", 1_063_000, r.Throughput))] };
        }
    }
}
