using ProcessMesh.Contracts;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// <c>calibrate</c> and <c>--calibration FILE</c> from the command line: a bad file is one error naming the option on
/// every verb that runs, an unwritable --out is refused before anything is measured, and a quick calibration runs
/// in the embedded silo, is cached, and is reused.
/// </summary>
public sealed class CalibrateCliTests : IDisposable
{
    private static readonly TimeSpan _cliTimeout = TimeSpan.FromMinutes(3);

    private readonly string _directory = Directory.CreateTempSubdirectory("pm-calibrate-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("missing", "no file")]
    [InlineData("corrupt", "not calibration JSON")]
    public void A_bad_calibration_file_is_one_error_naming_the_option_on_every_verb(string file, string why)
    {
        var path = Write(file);
        string[][] verbs =
        [
            ["run"], ["compare"], ["sweep"], ["load"], ["scenario", "run", "races"], ["calibrate"],
        ];

        foreach (var verb in verbs)
        {
            var errors = ProcessMesh.Cli.Cli.Build().Parse([.. verb, "--calibration", path]).Errors;

            Assert.True(errors.Count > 0, $"{string.Join(' ', verb)} took {file}");
            Assert.StartsWith("--calibration: ", errors[0].Message, StringComparison.Ordinal);
            Assert.Contains(why, errors[0].Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', errors[0].Message);
        }
    }

    [Fact]
    public void A_calibration_file_of_another_machine_is_left_to_the_silo_that_would_use_it()
    {
        // The CLI's host is not the cluster's: the silo checks the machine (EmulationTests), not the parser.
        foreach (var verb in new[] { "run", "compare", "load" })
        {
            var parse = ProcessMesh.Cli.Cli.Build().Parse([verb, "--calibration", Write("elsewhere")]);

            Assert.Empty(parse.Errors);
            Assert.Equal("elsewhere", parse.GetValue<Calibration?>("--calibration")?.Machine.Name);
        }
    }

    [Fact]
    public void A_calibration_file_of_this_machine_is_read()
    {
        var parse = ProcessMesh.Cli.Cli.Build().Parse(["run", "--calibration", Write("here")]);

        Assert.Empty(parse.Errors);
        Assert.Equal(Environment.MachineName, parse.GetValue<Calibration?>("--calibration")?.Machine.Name);
    }

    [Fact]
    public async Task A_calibration_file_an_older_build_wrote_is_refused_naming_the_file_and_the_field()
    {
        var path = Path.Combine(_directory, "older-build.json");
        var current = ProcessMesh.Tests.Emulated.SyntheticCalibration.With();
        await File.WriteAllTextAsync(path, CalibrationJson.Write(current with { Processes = [.. current.Processes.Select(p => p with { StartCpuMicros = 0 })] }));

        var outcome = await CliProcess.RunAsync(_cliTimeout, "run", "--model", "process", "--emulate", "dotnet", "--workload", "cpu", "--calibration", path);

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--calibration", line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.Contains("lacks processes[dotnet].startCpuMicros", line, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stdout);
    }

    [Fact]
    public async Task An_unwritable_out_is_refused_before_anything_is_measured()
    {
        var outcome = await CliProcess.RunAsync(_cliTimeout, "calibrate", "--quick", "--out", "/proc/processmesh/calibration.json");

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--out", line, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stdout);
    }

    [Fact]
    public async Task A_quick_calibration_is_measured_by_the_silo_cached_and_reused()
    {
        var cache = Path.Combine(_directory, "cache");
        var written = Path.Combine(_directory, "calibration.json");

        var first = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache }, _cliTimeout, "calibrate", "--quick", "--format", "json", "--out", written);
        var second = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache }, _cliTimeout, "calibrate", "--quick", "--format", "json");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var measured = CalibrationJson.TryRead(first.Stdout, out var problem);
        Assert.True(measured is not null, $"{problem}: {first.Stdout}");
        Assert.True(measured.Quick);
        Assert.True(measured.Process(Emulation.DotNet) is { StartMicros: > 0, PssBytes: > 0 }, first.Stdout);
        Assert.Equal(first.Stdout.Trim(), (await File.ReadAllTextAsync(written)).Trim());
        Assert.Single(Directory.GetFiles(Path.Combine(cache, "processmesh"), "calibration-*.json"));
        Assert.Equal(measured.MeasuredAt, CalibrationJson.TryRead(second.Stdout, out _)?.MeasuredAt);
        Assert.Contains("cached calibration", second.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A calibration file: missing, corrupt, of another machine, or of this one ("here").</summary>
    private string Write(string kind)
    {
        var path = Path.Combine(_directory, $"{kind}.json");
        var calibration = new Calibration
        {
            Machine = new CalibratedMachine { Name = kind == "here" ? Environment.MachineName : kind, Cores = 2 },
            MeasuredAt = DateTimeOffset.UtcNow,
            FormatVersion = Calibration.CurrentFormat,
            Threads = [new ThreadCalibration { Kind = Emulation.DotNet, StartMicros = 40, ResidentBytes = 15360 }],
        };
        switch (kind)
        {
            case "missing":
                break;
            case "corrupt":
                File.WriteAllText(path, "{\"machine\": {\"name\": ");
                break;
            default:
                File.WriteAllText(path, CalibrationJson.Write(calibration));
                break;
        }

        return path;
    }
}
