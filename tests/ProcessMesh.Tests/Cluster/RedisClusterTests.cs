using System.Text.Json;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// Three real silo processes with their membership in a real Redis, all started and stopped by the test, and the
/// real CLI joining them with --redis.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class RedisClusterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan _formTimeout = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan _cliTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Three_silos_form_a_cluster_in_redis_that_the_cli_lists_and_runs_on()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await RedisSiloCluster.StartAsync(3, _formTimeout);
        var (redis, clusterId, silos) = (cluster.Redis, cluster.ClusterId, cluster.Silos);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: three silos active");

        // Both through the real CLI, at once (each is a process that starts an Orleans client).
        var listing = CliProcess.RunAsync(_cliTimeout, "cluster", "--redis", redis.Endpoint, "--cluster-id", clusterId, "--format", "json", "--connect-timeout", "60");
        var running = CliProcess.RunAsync(_cliTimeout, "run", "--model", "process", "--workload", "ring", "--workers", "6", "--work", "600",
            "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--redis", redis.Endpoint, "--cluster-id", clusterId, "--connect-timeout", "60");
        var (listed, run) = (await listing, await running);

        Assert.True(listed.ExitCode == 0, $"cluster: exit {listed.ExitCode}: {listed.Stderr}");
        using (var json = JsonDocument.Parse(listed.Stdout))
        {
            Assert.Equal(3, json.RootElement.GetProperty("active").GetInt32());
            var rows = json.RootElement.GetProperty("silos").EnumerateArray().ToList();
            Assert.Equal(silos.Select(s => s.SiloPort).Order(), rows.Select(r => RedisSiloCluster.PortOf(r.GetProperty("address").GetString()!)).Order());
            Assert.All(rows, r =>
            {
                Assert.Equal("active", r.GetProperty("status").GetString());
                Assert.True(r.GetProperty("heapBytes").GetInt64() > 0);
                Assert.True(r.GetProperty("cpuSeconds").GetDouble() > 0);
            });
        }

        Assert.True(run.ExitCode == 0, $"run: exit {run.ExitCode}: {run.Stderr}");
        using (var json = JsonDocument.Parse(run.Stdout))
        {
            var record = json.RootElement.GetProperty("runs")[0];
            Assert.True(record.GetProperty("correct").GetBoolean());
            Assert.Equal(3, record.GetProperty("silos").GetInt32());
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: ran");

        // SIGTERM: each silo leaves within its shutdown timeout (10 s here), and says so in the table.
        foreach (var silo in silos)
        {
            Loopback.Terminate(silo.Process);
        }

        foreach (var silo in silos)
        {
            Assert.True(await silo.ExitCodeAsync(TimeSpan.FromSeconds(30)) == 0, $"silo {silo.SiloPort} exited with {silo.Process.ExitCode}: {silo.Output}");
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: stopped");
    }

    [Fact]
    public async Task A_silo_whose_redis_does_not_answer_stops_at_once_with_one_line()
    {
        var port = Loopback.FreePort();
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["Clustering"] = "redis", ["Redis"] = $"127.0.0.1:{port}" });

        var exit = await silo.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(NonEmpty(silo.Errors));
        Assert.Contains("ProcessMesh:Redis", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Empty(NonEmpty(silo.Log));
    }

    [Fact]
    public async Task A_silo_with_a_port_that_is_not_a_number_stops_with_one_line()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["SiloPort"] = "abc" });

        var exit = await silo.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(NonEmpty(silo.Errors));
        Assert.Equal("silo: ProcessMesh:SiloPort: 'abc' is not a whole number", line);
    }

    [Theory]
    [InlineData("--gateway")]
    [InlineData("--redis")]
    public async Task A_cluster_that_does_not_answer_is_one_line_and_exit_3(string option)
    {
        var port = Loopback.FreePort();

        var outcome = await CliProcess.RunAsync(_cliTimeout, "cluster", option, $"127.0.0.1:{port}", "--connect-timeout", "2");

        Assert.Equal(3, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"processmesh: {option}:", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
    }

    private static List<string> NonEmpty(IEnumerable<string> lines) => [.. lines.Where(l => l.Length > 0)];
}
