using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// The calibration: its JSON, the per-machine cache, and that it really measures this machine with real processes
/// and threads. Measurements are shrunk (one size, tenths of a second) so each test takes seconds; after each test,
/// passed or failed, no process a calibration started may remain.
/// </summary>
[Collection(ClusterCollection.Name)] // it checks for leftover os model workers: never beside a test that runs some
public sealed class CalibrationTests : IDisposable
{
    /// <summary>The smallest real calibration: one start, one process, 8 B for a twentieth of a second.</summary>
    private static readonly CalibrationPlan _tiny = new()
    {
        Sizes = [8],
        MessageSeconds = 0.05,
        StartRepeats = 1,
        Crowds = [1],
        AllIpcs = false,
        ThreadStarts = 2,
        ParkedThreads = 4,
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"pm-calibration-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        OwnedProcesses.Calibration.AssertNoneLeft();
        OwnedProcesses.Workers.AssertNoneLeft(); // the os model's workers a crowd step starts
    }

    [Fact]
    public async Task The_dotnet_crowd_is_measured_with_the_os_models_own_workers_and_none_is_left()
    {
        var quiet = new MessageCalibration { Between = MessageCalibration.BetweenProcesses, Kind = Emulation.DotNet, Ipc = "pipe", PayloadBytes = 8, OneWayMicros = 1, SenderCpuMicros = 1, ReceiverCpuMicros = 1 };
        var meshWorkers = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                meshWorkers = Math.Max(meshWorkers, OwnedProcesses.Workers.Leftovers().Count(CommandHasMesh));
                await Task.Delay(10);
            }
        });

        var contention = await ContentionBench.RunAsync(ProcessKind.DotNet(), quiet, 4, 0.2, CancellationToken.None);
        await watching.CancelAsync();
        await watcher;

        Assert.True(meshWorkers >= 4, $"the crowd ran {meshWorkers} os model (mesh) workers at once, not 4");
        Assert.True(contention is { Processes: 4, Ipc: "pipe", WokenOneWayMicros: > 0, WokenCpuMicros: > 0, PairsOneWayMicros: > 0, PairsCpuMicros: > 0 }, $"{contention}");
        OwnedProcesses.Workers.AssertNoneLeft();

        static bool CommandHasMesh(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains("mesh");
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task The_dotnet_footprint_is_a_connected_os_model_workers_not_an_idle_process()
    {
        var working = Assert.Single(await ProcessFootprints.WorkingCrowdsAsync("pipe", [1], CancellationToken.None));
        var idle = Assert.Single(await ProcessFootprints.CrowdsAsync(ProcessKind.DotNet(), [1], CancellationToken.None));

        // A worker that has opened its links and loaded its workload's code and latency histogram holds more than an idle
        // one: about 2 MiB of Pss on this machine (7.6–7.9 MiB against 5.6–5.9 MiB), so half of it is far above the spread
        // of two idle processes.
        Assert.True(working.PssBytes > idle.PssBytes + (1 << 20), $"working {working.PssBytes} B, idle {idle.PssBytes} B (Pss): not 1 MiB more");
        Assert.True(working is { Running: 1, StartMicros: > 0, StartCpuMicros: > 0, ResidentBytes: > 0 }, $"{working}");
        OwnedProcesses.Workers.AssertNoneLeft();
    }

    [Fact]
    public void The_json_round_trip_keeps_every_field_in_camel_case()
    {
        var calibration = Sample(Environment.MachineName);

        var json = CalibrationJson.Write(calibration);
        var read = CalibrationJson.TryRead(json, out var problem);

        Assert.Null(problem);
        Assert.NotNull(read);
        Assert.Equal(json, CalibrationJson.Write(read));
        foreach (var field in new[] { "\"machine\"", "\"measuredAt\"", "\"residentBytesPerExtra\"", "\"crowds\"", "\"pssBytes\"", "\"between\": \"processes\"", "\"oneWayMicros\"", "\"receiverCpuMicros\"", "\"python\": \"3.11.7\"", "\"formatVersion\": 8", "\"startCpuMicros\"", "\"contention\"", "\"wokenOneWayMicros\"", "\"pairsCpuMicros\"" })
        {
            Assert.Contains(field, json, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"machine\": ", "not calibration JSON")]
    [InlineData("{}", "names no machine")]
    [InlineData("{\"machine\": {\"name\": \"vm\"}}", "has no date")]
    [InlineData("{\"machine\": {\"name\": \"vm\"}, \"measuredAt\": \"2026-12-07T04:00:00Z\"}", "holds no figure")]
    public void What_is_not_a_calibration_is_refused_with_why(string json, string why)
    {
        Assert.Null(CalibrationJson.TryRead(json, out var problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_calibration_is_reused_until_measured_again()
    {
        var cache = new CalibrationCache(_directory);
        var source = new CalibrationSource(cache, _tiny, _tiny, () => []);

        var first = await source.GetAsync(quick: false, again: false, CancellationToken.None);
        var reused = await source.GetAsync(quick: false, again: false, CancellationToken.None);
        var again = await source.GetAsync(quick: false, again: true, CancellationToken.None);

        Assert.True(File.Exists(cache.FilePath), $"no cache file at {cache.FilePath}");
        Assert.Equal(first.MeasuredAt, reused.MeasuredAt);
        Assert.True(again.MeasuredAt > first.MeasuredAt, "--again did not measure anew");
        Assert.Equal(again.MeasuredAt, cache.Read(out _)?.MeasuredAt);
    }

    [Fact]
    public async Task A_quick_calibration_is_replaced_by_a_full_one_and_never_replaces_one()
    {
        var cache = new CalibrationCache(_directory);
        var source = new CalibrationSource(cache, _tiny, _tiny, () => []);

        var quick = await source.GetAsync(quick: true, again: false, CancellationToken.None);
        Assert.True(cache.Read(out _)?.Quick, "the quick calibration was not cached");
        var full = await source.GetAsync(quick: false, again: false, CancellationToken.None);
        var servedQuick = await source.GetAsync(quick: true, again: false, CancellationToken.None);
        var quickAgain = await source.GetAsync(quick: true, again: true, CancellationToken.None);

        Assert.True(quick.Quick);
        Assert.False(full.Quick);
        Assert.True(full.MeasuredAt > quick.MeasuredAt, "a full calibration was asked for and the quick one was served");
        Assert.Equal(full.MeasuredAt, servedQuick.MeasuredAt);
        Assert.True(quickAgain.Quick);
        Assert.Equal(full.MeasuredAt, cache.Read(out _)?.MeasuredAt);
    }

    [Theory]
    [InlineData("startCpu", "processes[dotnet].startCpuMicros")]
    [InlineData("contention", "processes[dotnet].contention")]
    [InlineData("format", "formatVersion 8 (it has 1)")]
    [InlineData("bare-crowd", "formatVersion 8 (it has 2)")]
    [InlineData("one-stretch", "formatVersion 8 (it has 3)")]
    [InlineData("median-one-way", "formatVersion 8 (it has 4)")]
    [InlineData("python-median", "formatVersion 8 (it has 5)")]
    [InlineData("one-moment-crowd", "formatVersion 8 (it has 6)")]
    [InlineData("one-moment-quiet", "formatVersion 8 (it has 7)")]
    [InlineData("none", null)]
    public void A_calibration_names_the_first_figure_this_build_needs_that_it_lacks(string without, string? lacks)
    {
        var sample = Sample(Environment.MachineName);
        var calibration = without switch
        {
            "startCpu" => sample with { Processes = [.. sample.Processes.Select(p => p with { StartCpuMicros = 0 })] },
            "contention" => sample with { Processes = [.. sample.Processes.Select(p => p with { Contention = null })] },
            "format" => sample with { FormatVersion = 1 },
            "bare-crowd" => sample with { FormatVersion = 2 }, // its crowd was a bare ipc-bench's, not the os model's workers
            "one-stretch" => sample with { FormatVersion = 3 }, // its message figures were one stretch each, not the median of rounds
            "median-one-way" => sample with { FormatVersion = 4 }, // its one way was a round's median round trip, not its mean
            "python-median" => sample with { FormatVersion = 5 }, // its CPython one way was the median round trip, its loop clocked every receive
            "one-moment-crowd" => sample with { FormatVersion = 6 }, // its .NET crowd was one crowd at one moment, its hand-off clocked every receive
            "one-moment-quiet" => sample with { FormatVersion = 7 }, // its quiet pairs' 8 B figures were measured at one moment
            _ => sample,
        };

        Assert.Equal(lacks, calibration.Lacks());
    }

    [Fact]
    public async Task A_cached_calibration_an_older_build_wrote_is_measured_again_saying_why_in_one_line()
    {
        // What a build before startCpuMicros cached: a full calibration, which the quick one asked for would have served as is.
        var cache = new CalibrationCache(_directory);
        Directory.CreateDirectory(_directory);
        var sample = Sample(Environment.MachineName);
        var old = sample with { FormatVersion = 0, Processes = [.. sample.Processes.Select(p => p with { StartCpuMicros = 0, Contention = null })] };
        await File.WriteAllTextAsync(cache.FilePath, CalibrationJson.Write(old));
        var said = new List<string>();
        var source = new CalibrationSource(cache, _tiny, _tiny, () => [], said.Add);

        var measured = await source.GetAsync(quick: true, again: false, CancellationToken.None);
        var reused = await source.GetAsync(quick: true, again: false, CancellationToken.None);

        Assert.True(measured.MeasuredAt > old.MeasuredAt, "the older build's calibration was used as is");
        Assert.Equal(Calibration.CurrentFormat, measured.FormatVersion);
        Assert.Null(measured.Lacks());
        var line = Assert.Single(said);
        Assert.Contains("lacks processes[dotnet].startCpuMicros", line, StringComparison.Ordinal);
        Assert.Contains(cache.FilePath, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.Equal(measured.MeasuredAt, cache.Read(out _)?.MeasuredAt); // the quick one replaced the unusable full one
        Assert.Equal(measured.MeasuredAt, reused.MeasuredAt);
    }

    [Fact]
    public async Task Another_machines_calibration_is_not_used()
    {
        var cache = new CalibrationCache(_directory);
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(cache.FilePath, CalibrationJson.Write(Sample("elsewhere")));

        Assert.Null(cache.Read(out var absent));
        Assert.Contains("describes elsewhere", absent, StringComparison.Ordinal);
        var measured = await new CalibrationSource(cache, _tiny, _tiny, () => []).GetAsync(quick: false, again: false, CancellationToken.None);
        Assert.Equal(Environment.MachineName, measured.Machine.Name);
        Assert.Equal(Environment.MachineName, cache.Read(out _)?.Machine.Name);
    }

    [Fact]
    public async Task The_quick_calibration_measures_real_processes_and_threads()
    {
        var plan = CalibrationPlan.QuickPlan with { MessageSeconds = 0.1, QuietSeconds = 0.1, StartRepeats = 1, ThreadStarts = 5, ParkedThreads = 20 };
        var source = new CalibrationSource(new CalibrationCache(_directory), plan, plan, Calibrator.KindsHere);

        var calibration = await source.GetAsync(quick: true, again: false, CancellationToken.None);

        Assert.True(calibration.Quick);
        Assert.Equal(Environment.MachineName, calibration.Machine.Name);
        var kinds = Python3.Find() is null ? new[] { Emulation.DotNet } : [Emulation.DotNet, Emulation.Python];
        Assert.Equal(Python3.Find() is not null, calibration.Machine.Python is not null);
        foreach (var kind in kinds)
        {
            var process = calibration.Process(kind);
            Assert.True(process is { StartMicros: > 0, ResidentBytes: > 0, PssBytes: > 0, ResidentBytesPerExtra: > 0 }, $"{kind} process: {process}");
            Assert.Equal([1], process.Crowds.Select(c => c.Running));
            var message = Assert.Single(calibration.ProcessMessages(kind, "pipe"));
            Assert.True(message is { PayloadBytes: 8, OneWayMicros: > 0 } && message.SenderCpuMicros + message.ReceiverCpuMicros > 0, $"{kind} pipe: {message}");
            var thread = calibration.Thread(kind);
            Assert.True(thread is { StartMicros: > 0 }, $"{kind} thread: {thread}");
            var handOff = Assert.Single(calibration.Messages, m => m.Between == MessageCalibration.BetweenThreads && m.Kind == kind);
            Assert.True(handOff is { Ipc: "handoff", PayloadBytes: 8, OneWayMicros: > 0 }, $"{kind} hand-off: {handOff}");
        }
    }

    [Fact]
    public async Task A_calibration_stopped_mid_measurement_leaves_no_process_behind()
    {
        var plan = _tiny with { MessageSeconds = 120, QuietSeconds = 120 };
        var source = new CalibrationSource(new CalibrationCache(_directory), plan, plan, Calibrator.KindsHere);
        using var stop = new CancellationTokenSource();

        var calibration = source.GetAsync(quick: false, again: false, stop.Token);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!source.Current.Step.Contains("messages", StringComparison.Ordinal) && !calibration.IsCompleted)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(120), $"the calibration did not reach its message benchmark within 120 s (at '{source.Current.Step}')");
            await Task.Delay(20);
        }

        // The benchmark's processes are up (a child and the peer it started); stop it there.
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calibration);
        Assert.False(File.Exists(new CalibrationCache(_directory).FilePath), "a stopped calibration was cached");
        OwnedProcesses.Calibration.AssertNoneLeft();
    }

    /// <summary>A calibration of <paramref name="machine"/> with every field set (the figures are shapes, not measurements: this checks the format).</summary>
    private static Calibration Sample(string machine) => new()
    {
        Machine = new CalibratedMachine { Name = machine, Cores = 2, MemoryBytes = 1L << 34, Os = "Debian 12", Runtime = ".NET 10.0.12", Python = "3.11.7" },
        MeasuredAt = new DateTimeOffset(2026, 12, 7, 4, 0, 0, TimeSpan.Zero),
        Quick = false,
        FormatVersion = Calibration.CurrentFormat,
        Processes =
        [
            new ProcessCalibration
            {
                Kind = Emulation.DotNet, StartMicros = 61000, StartCpuMicros = 55000, ResidentBytes = 37748736, PssBytes = 8912896, ResidentBytesPerExtra = 6000000,
                Crowds = [new ProcessCrowd { Running = 1, ResidentBytes = 37748736, PssBytes = 8912896, StartMicros = 61000 }, new ProcessCrowd { Running = 64, ResidentBytes = 36000000, PssBytes = 6000000, StartMicros = 30000 }],
                Contention = new ProcessContention { Ipc = "pipe", PayloadBytes = 8, Processes = 16, WokenOneWayMicros = 40, WokenCpuMicros = 25, PairsOneWayMicros = 60, PairsCpuMicros = 28 },
            },
        ],
        Threads = [new ThreadCalibration { Kind = Emulation.Python, StartMicros = 90, ResidentBytes = 15360 }],
        Messages =
        [
            new MessageCalibration { Between = MessageCalibration.BetweenProcesses, Kind = Emulation.Python, Ipc = "queue", PayloadBytes = 8, OneWayMicros = 103.2, SenderCpuMicros = 30, ReceiverCpuMicros = 41 },
            new MessageCalibration { Between = MessageCalibration.BetweenThreads, Kind = Emulation.DotNet, Ipc = "handoff", PayloadBytes = 1024, OneWayMicros = 1.2, SenderCpuMicros = 0.4, ReceiverCpuMicros = 0.5 },
        ],
    };
}
