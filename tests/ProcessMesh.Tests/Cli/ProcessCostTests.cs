using System.Text.Json;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;
using ProcessMesh.Tests.Emulated;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// compare's cost of isolation for real processes: <c>processCost</c> and <c>threadCost</c> from the calibration
/// used (a synthetic one, so no real calibration is needed), the table's rows for them, and the emulation's error
/// computed from an emulated and a real record.
/// </summary>
public sealed class ProcessCostTests : IDisposable
{
    private static readonly TimeSpan _cliTimeout = TimeSpan.FromMinutes(4);

    private readonly string _directory = Directory.CreateTempSubdirectory("pm-process-cost-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Calibration Synthetic() => SyntheticCalibration.With(oneWayMicros: 37.5, startMicros: 61_000, footprintBytes: 9_000_000) with
    {
        Threads = [new ThreadCalibration { Kind = Emulation.DotNet, StartMicros = 41, ResidentBytes = 15_360 }],
    };

    private static RunResult Record(string model, int workers, long memory, double? startSeconds = null) => new()
    {
        Model = model,
        Workload = "cpu",
        Workers = workers,
        MemoryPerWorkerBytes = memory,
        StartSeconds = startSeconds,
        Repeats = 3,
        MemoryPerWorkerBytesMin = memory,
        MemoryPerWorkerBytesMax = memory,
    };

    [Fact]
    public void Each_way_of_being_a_process_has_its_figures_from_where_it_says()
    {
        var calibration = Synthetic();
        RunResult[] runs = [Record(Models.Process, 1, 5_000, 0.001), Record(Models.Process, 2, 8_000, 0.004), Record(Models.Thread, 2, 12_000)];
        var handOff = new HandOffCost(2, 1000, new Sample(3, 3, 3, 1), new Sample(1.5, 1.5, 1.5, 1));

        var costs = ProcessCost.From(runs, handOff, calibration, withPython: true);
        var thread = ThreadCost.From(runs, handOff, calibration);

        Assert.Equal([Emulation.Grain, Emulation.DotNet, Emulation.Python], costs.Select(c => c.As));
        var grain = costs[0];
        Assert.Equal((3.0, 8_000L, 2_000.0, "measured"), (grain.MicrosPerMessage, grain.BytesPerWorker, grain.StartMicros!.Value, grain.Source));
        foreach (var process in costs.Skip(1))
        {
            Assert.Equal((37.5, 9_000_000L, 61_000.0), (process.MicrosPerMessage, process.BytesPerWorker, process.StartMicros!.Value));
            Assert.Equal(("calibrated", $"calibrated on {SyntheticCalibration.Machine}, 2026-12-07 04:00 UTC"), (process.Source, process.CalibratedOn));
        }

        Assert.Equal(new ThreadCost(1.5, 12_000, 41), thread);
        Assert.DoesNotContain(ProcessCost.From(runs, handOff, calibration, withPython: false), c => c.As == Emulation.Python);
        Assert.Equal([Emulation.Grain], ProcessCost.From(runs, handOff, null, withPython: true).Select(c => c.As));
    }

    [Fact]
    public void The_emulation_error_is_emulated_against_real_in_signed_percent_with_memory_against_pss()
    {
        var real = Record(Models.Os, 4, memory: 40_000_000) with
        {
            Throughput = 1_000,
            Speedup = 2.0,
            Latency = new LatencySummary { Count = 10, P50 = 100, P99 = 400 },
            PssPerWorkerBytes = 10_000_000,
        };
        var emulated = Record(Models.Process, 4, memory: 9_000_000) with
        {
            Emulate = Emulation.DotNet,
            Throughput = 1_100,
            Speedup = 1.5,
            Latency = new LatencySummary { Count = 10, P50 = 90, P99 = 500 },
        };

        var error = EmulationError.Of(emulated, real);

        Assert.Equal(4, error.Workers);
        Assert.Equal(10.0, error.ThroughputPercent!.Value, 9);
        Assert.Equal(-25.0, error.SpeedupPercent!.Value, 9);
        Assert.Equal(-10.0, error.LatencyP50Percent!.Value, 9);
        Assert.Equal(25.0, error.LatencyP99Percent!.Value, 9);
        Assert.Equal(-10.0, error.MemoryPerWorkerPercent!.Value, 9); // against Pss (10 MB), not resident (40 MB)
        Assert.Null(EmulationError.Of(emulated with { Speedup = null }, real).SpeedupPercent);
        Assert.Equal(-77.5, EmulationError.Of(emulated, real with { PssPerWorkerBytes = null }).MemoryPerWorkerPercent!.Value, 9);

        var paired = EmulationError.From([real, emulated, Record(Models.Process, 8, 1) with { Emulate = Emulation.DotNet }, Record(Models.Process, 4, 1)]);
        Assert.Equal(error, Assert.Single(paired));
    }

    [Fact]
    public void The_cost_table_has_a_message_memory_and_start_row_for_each_real_process_and_the_error_its_own_table()
    {
        var calibration = Synthetic();
        RunResult[] runs = [Record(Models.Process, 2, 8_000, 0.004), Record(Models.Thread, 2, 12_000)];
        var handOff = new HandOffCost(2, 1000, new Sample(3, 2.9, 3.1, 3), new Sample(1.5, 1.4, 1.6, 3));
        var error = new EmulationError(2, 12.345, -3.2, 7.0, null, -1.5);
        var report = new Report(runs, IsolationCost.From(runs, handOff), HandOff: handOff,
            ProcessCost: ProcessCost.From(runs, handOff, calibration, withPython: true), ThreadCost: ThreadCost.From(runs, handOff, calibration),
            EmulationError: [error]);

        var text = new StringWriter();
        var measured = new CalibrationRef { Machine = SyntheticCalibration.Machine, MeasuredAt = new DateTimeOffset(2026, 12, 8, 4, 17, 0, TimeSpan.Zero) };
        new TableFormat(120).Write(report with { Runs = [.. runs, Record(Models.Process, 2, 1) with { Emulate = Emulation.DotNet, Calibration = measured }] }, text);
        var lines = text.ToString().Split('\n');

        foreach (var kind in new[] { Emulation.DotNet, Emulation.Python })
        {
            Assert.Contains(lines, l => l.Contains($"message, {kind}", StringComparison.Ordinal) && l.Contains("37.50 µs", StringComparison.Ordinal) && l.Contains("+36.00 µs", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"memory, {kind}", StringComparison.Ordinal) && l.Contains(Bytes.Format(9_000_000), StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"start, {kind}", StringComparison.Ordinal) && l.Contains("61.0 ms", StringComparison.Ordinal) && l.Contains("41.00 µs", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.Contains("start, grain", StringComparison.Ordinal) && l.Contains("2.0 ms", StringComparison.Ordinal) && l.Contains("measured", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"calibrated on {SyntheticCalibration.Machine}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("+12.3 %", StringComparison.Ordinal) && l.Contains("-3.2 %", StringComparison.Ordinal) && l.Contains("-1.5 %", StringComparison.Ordinal));
        // The error's caption names the calibration the emulated side paid, since the real side ran now.
        Assert.Contains("the emulated ones pay the calibration of 2026-12-08 04:17 UTC", string.Join(' ', lines.Select(l => l.Trim())), StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 120, l));
        Assert.DoesNotContain(lines, l => l.Contains('…'));
        // One line a row, none wrapped: 3 records; hand-off, memory, 2 messages, 2 memories, 3 starts; 1 error; and 3 headers.
        Assert.Equal(3 + 9 + 1 + 3, lines.Count(l => l.StartsWith('│')));
    }

    [Fact]
    public void The_new_fields_read_back_from_a_report_file()
    {
        RunResult[] runs = [Record(Models.Process, 2, 8_000, 0.004), Record(Models.Thread, 2, 12_000)];
        var handOff = new HandOffCost(2, 1000, new Sample(3, 2.9, 3.1, 3), new Sample(1.5, 1.4, 1.6, 3));
        var report = new Report(runs, HandOff: handOff, ProcessCost: ProcessCost.From(runs, handOff, Synthetic(), withPython: true),
            ThreadCost: ThreadCost.From(runs, handOff, Synthetic()), EmulationError: [new EmulationError(2, 1.5, null, -2, 3, 4)]);
        var text = new StringWriter();
        new JsonFormat().Write(report, text);

        var read = JsonSerializer.Deserialize<Report>(text.ToString(), JsonFormat.Options)!;

        Assert.Equal(report.ProcessCost!.Select(c => c with { Ipc = null }), read.ProcessCost!);
        Assert.Equal(report.ThreadCost, read.ThreadCost);
        Assert.Equal(report.EmulationError!, read.EmulationError!);
        Assert.Contains("\"processCost\"", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"latencyP99Percent\"", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_json_carries_process_and_thread_cost_from_the_calibration_file()
    {
        var calibration = Synthetic() with { Machine = Synthetic().Machine with { Name = Environment.MachineName } };
        var file = Path.Combine(_directory, "calibration.json");
        await File.WriteAllTextAsync(file, CalibrationJson.Write(calibration));

        var outcome = await CliProcess.RunAsync(_cliTimeout, "compare", "--workload", "cpu", "--models", "process,thread", "--workers", "1", "--work", "2000",
            "--repeats", "1", "--warmup", "0", "--calibration", file, "--format", "json", "--quiet");

        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        using var json = JsonDocument.Parse(outcome.Stdout);
        var costs = json.RootElement.GetProperty("processCost").EnumerateArray().ToDictionary(c => c.GetProperty("as").GetString()!);
        var python = File.Exists("/usr/bin/python3") || (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "python3")));
        Assert.Equal(python ? ["grain", "dotnet", "python"] : ["grain", "dotnet"], costs.Keys);
        Assert.Equal("measured", costs["grain"].GetProperty("source").GetString());
        Assert.True(costs["grain"].GetProperty("microsPerMessage").GetDouble() > 0);
        foreach (var kind in costs.Keys.Skip(1))
        {
            var c = costs[kind];
            Assert.Equal(37.5, c.GetProperty("microsPerMessage").GetDouble());
            Assert.Equal(9_000_000, c.GetProperty("bytesPerWorker").GetInt64());
            Assert.Equal(61_000, c.GetProperty("startMicros").GetDouble());
            Assert.Equal("calibrated", c.GetProperty("source").GetString()); // DESIGN's contract: the word, the calibration beside it
            Assert.Equal(calibration.Describe(), c.GetProperty("calibratedOn").GetString());
        }

        var thread = json.RootElement.GetProperty("threadCost");
        Assert.True(thread.GetProperty("microsPerMessage").GetDouble() > 0);
        Assert.True(thread.TryGetProperty("bytesPerWorker", out _));
        Assert.Equal(41, thread.GetProperty("startMicros").GetDouble());
        Assert.Equal(json.RootElement.GetProperty("handOff").GetProperty("threadMicrosPerMessage").GetDouble(), thread.GetProperty("microsPerMessage").GetDouble());
    }
}
