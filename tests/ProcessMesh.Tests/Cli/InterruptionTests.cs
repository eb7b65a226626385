using System.Text.Json;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// Interrupted is not lost: SIGINT or SIGTERM of the CLI in the middle of a run prints every record that
/// completed (here the one-worker baseline), marks the run that was cut short, and exits 130 or 143.
/// </summary>
public sealed class InterruptionTests
{
    [Theory]
    [InlineData("TERM", 143, "SIGTERM")]
    [InlineData("INT", 130, "SIGINT")]
    public async Task A_signal_mid_run_prints_what_completed_marks_the_interrupted_run_and_exits_by_the_signal(string signal, int exitCode, string name)
    {
        await using var cli = CliRun.Start(
            "run", "--model", "process", "--workload", "cpu", "--workers", "2", "--work", "6000000",
            "--repeats", "1", "--warmup", "0", "--format", "json");

        // The baseline (one worker) has completed once the second run begins; that run takes seconds more.
        await cli.StderrAsync(@"\[2\] process cpu ×2: repeat 1/1", TimeSpan.FromMinutes(5), "the two-worker run to begin");
        cli.Signal(signal);
        var outcome = await cli.ExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(outcome.ExitCode == exitCode, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        Assert.Contains($"process cpu ×2: interrupted during repeat 1/1 ({name})", outcome.Stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(outcome.Stdout);
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(1, run.GetProperty("workers").GetInt32());
        Assert.True(run.GetProperty("correct").GetBoolean());
    }
}
