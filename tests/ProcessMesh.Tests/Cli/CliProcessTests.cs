using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ProcessMesh.Tests.Cli;

/// <summary>The real program end to end: its own embedded silo, its output contract and its exit codes.</summary>
public sealed class CliProcessTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Compare_prints_json_with_one_record_per_model_and_worker_count()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "compare", "--workload", "counter", "--workers", "1,2", "--work", "400", "--repeats", "1", "--warmup", "0", "--format", "json", "--quiet");

        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        using var json = JsonDocument.Parse(outcome.Stdout);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        var keys = runs.Select(r => (r.GetProperty("model").GetString(), r.GetProperty("workers").GetInt32())).ToHashSet();
        Assert.Equal(6, runs.Count);
        Assert.Equal(6, keys.Count);
        foreach (var model in new[] { "process", "thread", "gil" })
        {
            Assert.Contains((model, 1), keys);
            Assert.Contains((model, 2), keys);
        }

        foreach (var run in runs)
        {
            Assert.Equal("counter", run.GetProperty("workload").GetString());
            Assert.True(run.GetProperty("correct").GetBoolean());
            Assert.True(run.GetProperty("wallSeconds").GetDouble() > 0);
            Assert.True(run.GetProperty("speedup").GetDouble() > 0);
            Assert.True(run.GetProperty("latency").GetProperty("p99").GetDouble() > 0);
            Assert.True(run.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
            foreach (var field in new[] { "silos", "throughput", "efficiency", "messages", "payloadBytes", "memoryPerWorkerBytes", "cpuSeconds", "lostUpdates", "expected", "actual" })
            {
                Assert.True(run.TryGetProperty(field, out _), $"record lacks '{field}'");
            }
        }

        Assert.Equal(2, json.RootElement.GetProperty("isolation").GetArrayLength());
    }

    [Fact]
    public async Task A_one_worker_run_made_only_for_speedup_is_marked_baseline()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "compare", "--workload", "counter", "--models", "thread", "--workers", "2", "--work", "400", "--repeats", "1", "--warmup", "0", "--format", "json", "--quiet");

        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        using var json = JsonDocument.Parse(outcome.Stdout);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.True(runs.Single(r => r.GetProperty("workers").GetInt32() == 1).GetProperty("baseline").GetBoolean());
        Assert.False(runs.Single(r => r.GetProperty("workers").GetInt32() == 2).TryGetProperty("baseline", out _));
        Assert.False(json.RootElement.TryGetProperty("handOff", out _)); // no process model: no cost of isolation
    }

    [Fact]
    public async Task External_load_on_the_embedded_default_comes_through_the_gateway()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "load", "--path", "external", "--grains", "50", "--rate", "400", "--duration", "500ms", "--format", "json");

        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        Assert.Contains("embedded silo through its gateway 127.0.0.1:", outcome.Stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(outcome.Stdout);
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("external", run.GetProperty("path").GetString());
        Assert.Equal("open", run.GetProperty("loadMode").GetString());
        Assert.True(run.GetProperty("calls").GetInt64() > 0);
        Assert.Equal(run.GetProperty("calls").GetInt64(), run.GetProperty("sendLag").GetProperty("count").GetInt64());
        Assert.True(run.GetProperty("heapAfterBytes").GetInt64() > 0, "a load record reads the heap once its grains are gone");
        Assert.Equal("grains", run.GetProperty("workersAre").GetString());
    }

    [Fact]
    public async Task A_hosted_load_shows_its_calls_while_it_drives_and_is_never_silent_for_long()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "load", "--grains", "50", "--duration", "6s", "--format", "json");

        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        // Standard error is a pipe here: one line a step, and one every 2 s while a step runs on, with calls so far.
        // Six seconds give two such lines, so a machine too loaded to tick on time still shows one (3 s once did not).
        Assert.Matches(@"drive 1/1: 16 callers for 6\.0 s: [\d,]+ calls, [\d.]+( k| M)?/s", outcome.Stderr);
        Assert.Contains("left)", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_option_is_one_line_on_stderr_and_exit_code_2()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "run", "--workers", "0");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.Stdout);
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("--workers", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_cannot_fit_is_refused_before_anything_starts()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "run", "--workers", "1000000", "--memory", "1GiB");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("--memory", outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("repeat", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_that_does_not_answer_fails_fast_with_a_clear_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var outcome = await CliProcess.RunAsync(TimeSpan.FromSeconds(90), "run", "--gateway", $"127.0.0.1:{port}", "--connect-timeout", "2");

        Assert.Equal(3, outcome.ExitCode);
        Assert.Contains("--gateway", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", outcome.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--work", "100", "--out", "/proc/x.json")]
    [InlineData("compare", "--work", "100", "--out", "/proc/y.csv")]
    public async Task An_out_file_that_cannot_be_written_is_refused_before_anything_runs(params string[] args)
    {
        var outcome = await CliProcess.RunAsync(_timeout, args);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.Stdout);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--out", line, StringComparison.Ordinal);
        Assert.DoesNotContain("embedded silo", outcome.Stderr, StringComparison.Ordinal); // nothing started
    }

    [Fact]
    public async Task A_sweep_out_that_names_a_file_is_refused_before_anything_runs()
    {
        var file = Path.GetTempFileName();
        try
        {
            var outcome = await CliProcess.RunAsync(_timeout, "sweep", "--out", file);

            Assert.Equal(2, outcome.ExitCode);
            var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("--out", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_write_that_fails_at_the_end_falls_back_and_names_the_path()
    {
        var fellBack = false;
        var error = new StringWriter();

        var written = ProcessMesh.Cli.Output.OutputTarget.TryWrite("/somewhere/results.json", () => throw new IOException("disk full"), () => fellBack = true, error);

        Assert.False(written);
        Assert.True(fellBack);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/somewhere/results.json", line, StringComparison.Ordinal);
        Assert.Contains("disk full", line, StringComparison.Ordinal);
    }
}
