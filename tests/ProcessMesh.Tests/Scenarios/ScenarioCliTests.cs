using System.Text.Json;
using ProcessMesh.Contracts;
using ProcessMesh.Tests.Cli;
using ProcessMesh.Tests.Emulated;

namespace ProcessMesh.Tests.Scenarios;

/// <summary>The scenario verb through the real CLI.</summary>
public sealed class ScenarioCliTests
{
    private static readonly string[] _names = ["memory-footprint", "ipc-cost", "gil-cpu", "gil-io", "gil-native", "races", "deadlock", "granularity", "scale-out"];

    [Fact]
    public async Task List_names_every_scenario_with_its_claim()
    {
        var outcome = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "scenario", "list", "--format", "json");

        Assert.Equal(0, outcome.ExitCode);
        var scenarios = JsonDocument.Parse(outcome.Stdout).RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(_names, scenarios.Select(s => s.GetProperty("name").GetString()));
        Assert.All(scenarios, s => Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("claim").GetString())));
    }

    [Fact]
    public async Task An_unknown_scenario_is_one_line_naming_the_choices()
    {
        var outcome = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "scenario", "run", "gil-gpu");

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no scenario 'gil-gpu'", line, StringComparison.Ordinal);
        Assert.Contains("races", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Races_runs_end_to_end_and_judges_its_claim_on_counted_updates()
    {
        var dir = Directory.CreateTempSubdirectory("pm-scenario-");
        try
        {
            var outcome = await CliProcess.RunAsync(TimeSpan.FromSeconds(180), "scenario", "run", "races", "--repeats", "2", "--format", "json", "--out", dir.FullName, "--quiet");

            Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            var races = Assert.Single(JsonDocument.Parse(outcome.Stdout).RootElement.GetProperty("scenarios").EnumerateArray());
            Assert.Equal("races", races.GetProperty("name").GetString());
            Assert.Contains(races.GetProperty("verdict").GetString(), new[] { "holds", "inconclusive" });
            var runs = races.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(5, runs.Count);
            // Every guarded counter and the message-passing one is exact; only 'none' may be wrong.
            Assert.All(runs.Where(r => !r.TryGetProperty("sync", out var sync) || sync.GetString() != "none"), r => Assert.True(r.GetProperty("correct").GetBoolean()));
            Assert.True(File.Exists(Path.Combine(dir.FullName, "scenarios.json")));
            Assert.Contains("id=\"races\"", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "scenarios.html")), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Memory_footprint_answers_for_emulated_processes_from_the_calibration_named_beside_real_ones()
    {
        var dir = Directory.CreateTempSubdirectory("pm-scenario-");
        try
        {
            // A footprint no runtime has (24 MiB), so the emulated rows can only have come from this file.
            var calibration = SyntheticCalibration.With(startMicros: 2_000, footprintBytes: 24L << 20) with
            {
                Machine = SyntheticCalibration.With().Machine with { Name = Environment.MachineName },
            };
            var file = Path.Combine(dir.FullName, "calibration.json");
            await File.WriteAllTextAsync(file, CalibrationJson.Write(calibration));

            var outcome = await CliProcess.RunAsync(TimeSpan.FromSeconds(240), "scenario", "run", "memory-footprint", "--repeats", "2", "--calibration", file, "--format", "json", "--quiet");

            Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            var scenario = Assert.Single(JsonDocument.Parse(outcome.Stdout).RootElement.GetProperty("scenarios").EnumerateArray());
            var runs = scenario.GetProperty("runs").EnumerateArray().ToList();
            var emulated = runs.Where(r => r.TryGetProperty("emulate", out var e) && e.GetString() is "dotnet" or "python").ToList();
            Assert.NotEmpty(emulated);
            Assert.All(emulated, r =>
            {
                Assert.Equal(SyntheticCalibration.MeasuredAt, r.GetProperty("calibration").GetProperty("measuredAt").GetDateTimeOffset());
                Assert.True(r.GetProperty("memoryPerWorkerBytes").GetInt64() >= 12L << 20, $"{r.GetProperty("emulate")}: {r.GetProperty("memoryPerWorkerBytes")} B a worker holding 24 MiB");
            });
            Assert.Contains(runs, r => r.GetProperty("model").GetString() == "os");
            var rows = scenario.GetProperty("evidence").GetProperty("rows").EnumerateArray().Select(r => r[0].GetString()).ToList();
            Assert.Contains("emulated dotnet against real dotnet", rows);
            if (PythonOnPath())
            {
                // The idle interpreters are started and read by the silo (IReferenceGrain), on the cluster's machine.
                Assert.Contains("real python3 process (idle)", rows);
            }

            Assert.Contains(scenario.GetProperty("verdict").GetString(), new[] { "holds", "inconclusive" });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool PythonOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "python3")));
}
