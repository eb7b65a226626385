using System.Globalization;
using System.Net;
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
        // The silos have a service id of their own, as ../shared/contract/cluster.sh gives them: the CLI, told only the
        // cluster id, finds it in the membership table.
        await using var cluster = await RedisSiloCluster.StartAsync(3, _formTimeout, serviceId: "service-of-their-own");
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
    [InlineData("SiloPort")]
    [InlineData("GatewayPort")]
    [InlineData("HttpPort")]
    public async Task A_silo_whose_port_another_process_holds_stops_before_joining_with_one_line_naming_it(string setting)
    {
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { [setting] = port.ToString(CultureInfo.InvariantCulture) });

        var exit = await silo.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(NonEmpty(silo.Errors));
        Assert.Equal($"silo: ProcessMesh:{setting}: port {port} is already in use", line.Split(" (")[0]);
        Assert.Empty(NonEmpty(silo.Log)); // it never started, so it never joined a cluster it would then leave dead
    }

    [Fact]
    public async Task Silos_that_leave_the_http_port_at_its_default_each_serve_probes_on_a_port_of_their_own()
    {
        // Whoever holds 8080 (this test, or anything else on the machine), a silo left at the default still starts.
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.IPv6Any, Silo.Http.HttpSettings.DefaultHttpPort) { Server = { DualMode = true } };
        try
        {
            holder.Start();
        }
        catch (System.Net.Sockets.SocketException)
        {
            // already held by another process: the same case
        }

        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["HttpPort"] = "" });
        await silo.Listening.WaitAsync(TimeSpan.FromSeconds(90));

        var notice = Assert.Single(NonEmpty(silo.Errors));
        var moved = System.Text.RegularExpressions.Regex.Match(notice, @"ProcessMesh:HttpPort 8080 \(the default\) is in use, so probes and metrics are on port (\d+)");
        Assert.True(moved.Success, notice);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var live = await http.GetAsync(new Uri($"http://127.0.0.1:{moved.Groups[1].Value}/health/live"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
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
