using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Emulated;

/// <summary>Each emulation option that makes no sense is one line naming it, exit code 2, before any silo starts.</summary>
public sealed class EmulationCliTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("--emulate", "run", "--model", "thread", "--emulate", "dotnet")]
    [InlineData("--emulate", "compare", "--models", "thread,gil", "--emulate", "python")]
    [InlineData("--emulate", "run", "--emulate", "java")]
    [InlineData("--ipc", "run", "--emulate", "python", "--ipc", "uds")]
    [InlineData("--ipc", "run", "--ipc", "tcp")]
    [InlineData("--ipc", "run", "--emulate", "dotnet", "--ipc", "carrier-pigeon")]
    [InlineData("--footprint", "run", "--footprint", "modelled")]
    [InlineData("--footprint", "run", "--emulate", "grain", "--footprint", "modelled")]
    [InlineData("--footprint", "run", "--emulate", "dotnet", "--footprint", "lent")]
    public async Task A_bad_emulation_is_one_line_naming_the_option_before_anything_runs(string option, params string[] args)
    {
        var outcome = await CliProcess.RunAsync(_timeout, args);

        AssertRefused(outcome, option);
    }

    [Fact]
    public async Task Emulating_python_without_python3_on_path_is_refused()
    {
        var empty = Directory.CreateTempSubdirectory("processmesh-nopython-");
        try
        {
            var outcome = await CliProcess.RunWithAsync(null, new Dictionary<string, string> { ["PATH"] = empty.FullName }, _timeout, "run", "--emulate", "python");

            AssertRefused(outcome, "--emulate python");
            Assert.Contains("python3", outcome.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static void AssertRefused(CliProcess.Outcome outcome, string option)
    {
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}");
        Assert.Equal("", outcome.Stdout);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(option, line, StringComparison.Ordinal);
        Assert.DoesNotContain("embedded silo", outcome.Stderr, StringComparison.Ordinal); // nothing started
    }
}
