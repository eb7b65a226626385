using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// Three real silos on a real Redis and the real CLI; the silo that matters most to a run (the one holding its
/// coordinator, or the CLI's only gateway) is lost in the middle of it. The run must end honestly within 30 s
/// of the fault (re-run on the survivors, saying so, or <c>lost</c> naming what was lost), and the CLI must exit.
/// The CLI's progress names the coordinator's silo, which is how the test (and a user) finds it.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class SiloFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>What the issue allows between a fault and an honest end.</summary>
    private static readonly TimeSpan _endsWithin = TimeSpan.FromSeconds(30);

    /// <summary>Added to every wait, for the CLI's own start and exit on a loaded machine.</summary>
    private static readonly TimeSpan _slack = TimeSpan.FromSeconds(20);

    private const string CoordinatorLine = @"coordinator on silo 127\.0\.0\.1:(\d+)";

    [Fact]
    public async Task The_coordinators_silo_killed_mid_run_reruns_it_on_the_survivors_and_says_so()
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        await using var cli = CliRun.Start(
            "run", "--model", "process", "--workload", "cpu", "--workers", "6", "--work", "6000000", "--no-baseline",
            "--repeats", "1", "--warmup", "0", "--time-limit", "120", "--format", "json",
            "--redis", cluster.Redis.Endpoint, "--cluster-id", cluster.ClusterId, "--connect-timeout", "60");
        var victim = await CoordinatorSiloAsync(cluster, cli);

        victim.Process.Kill();
        output.WriteLine($"killed the coordinator's silo {victim.SiloPort} (pid {victim.Process.Id})");

        // cpu workers can redo their share: the repeat starts again on the two survivors, within 30 s of the kill.
        await cli.StderrAsync("again, on the surviving silos", _endsWithin + _slack, "the repeat to start again on the survivors");
        var outcome = await cli.ExitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(outcome.Stderr);

        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        var record = OnlyRecord(outcome);
        Assert.Equal(Outcomes.Recovered, record.GetProperty("outcome").GetString());
        Assert.True(record.GetProperty("correct").GetBoolean());
        Assert.Contains($"coordinator's silo 127.0.0.1:{victim.SiloPort}", record.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, record.GetProperty("silos").GetInt32()); // the silos that finished the run
        var ledger = record.GetProperty("ledger");
        Assert.Equal(ledger.GetProperty("sent").GetInt64(), ledger.GetProperty("delivered").GetInt64() + ledger.GetProperty("failed").GetInt64());
    }

    [Fact]
    public async Task The_clis_only_gateway_killed_mid_run_ends_it_lost_naming_the_gateway_and_keeps_what_completed()
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        var gateway = cluster.Silos[0];

        // Pingpong cannot be redone elsewhere; with one gateway, its silo also holds the coordinator.
        await using var cli = CliRun.Start(
            "run", "--model", "process", "--workload", "pingpong", "--workers", "6", "--work", "500000000", "--no-baseline",
            "--repeats", "1", "--warmup", "0", "--time-limit", "120", "--format", "json",
            "--gateway", $"127.0.0.1:{gateway.GatewayPort}", "--cluster-id", cluster.ClusterId, "--connect-timeout", "60");
        var victim = await CoordinatorSiloAsync(cluster, cli);
        Assert.Same(gateway, victim);

        victim.Process.Kill();
        var killed = Stopwatch.StartNew();
        var outcome = await cli.ExitAsync(_endsWithin + _slack);
        output.WriteLine($"the CLI exited {killed.Elapsed.TotalSeconds:0.0} s after the kill: exit {outcome.ExitCode}\n{outcome.Stderr}");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"lost the gateway 127.0.0.1:{gateway.GatewayPort}", outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", outcome.Stderr, StringComparison.Ordinal);
        var record = OnlyRecord(outcome);
        Assert.Equal(Outcomes.Lost, record.GetProperty("outcome").GetString());
        Assert.False(record.GetProperty("correct").GetBoolean());
    }

    [Fact]
    public async Task The_coordinators_silo_stopped_gracefully_ends_the_run_honestly()
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        await using var cli = CliRun.Start(
            "run", "--model", "process", "--workload", "pingpong", "--workers", "6", "--work", "500000000", "--no-baseline",
            "--repeats", "1", "--warmup", "0", "--time-limit", "120", "--format", "json",
            "--redis", cluster.Redis.Endpoint, "--cluster-id", cluster.ClusterId, "--connect-timeout", "60");
        var victim = await CoordinatorSiloAsync(cluster, cli);

        Loopback.Terminate(victim.Process);
        var stopped = Stopwatch.StartNew();
        var outcome = await cli.ExitAsync(_endsWithin + _slack);
        output.WriteLine($"the CLI exited {stopped.Elapsed.TotalSeconds:0.0} s after SIGTERM to silo {victim.SiloPort}: exit {outcome.ExitCode}\n{outcome.Stderr}");

        var record = OnlyRecord(outcome);
        Assert.Contains(record.GetProperty("outcome").GetString(), new[] { Outcomes.Recovered, Outcomes.Lost });
        Assert.Contains($"127.0.0.1:{victim.SiloPort}", record.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await victim.ExitCodeAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_coordinators_silo_frozen_for_20_s_ends_the_run_honestly_within_30_s()
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        await using var cli = CliRun.Start(
            "run", "--model", "process", "--workload", "pingpong", "--workers", "6", "--work", "500000000", "--no-baseline",
            "--repeats", "1", "--warmup", "0", "--time-limit", "120", "--format", "json",
            "--redis", cluster.Redis.Endpoint, "--cluster-id", cluster.ClusterId, "--connect-timeout", "60");
        var victim = await CoordinatorSiloAsync(cluster, cli);

        // A frozen silo still accepts connections: only membership can tell it is gone.
        Signals.Send(victim.Process.Id, "STOP");
        var frozen = Stopwatch.StartNew();
        var ended = cli.ExitAsync(_endsWithin + _slack);
        try
        {
            // The fault is a 20 s freeze; the run may end during it.
            await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            Signals.Send(victim.Process.Id, "CONT");
        }

        var outcome = await ended;
        output.WriteLine($"the CLI exited {frozen.Elapsed.TotalSeconds:0.0} s after SIGSTOP to silo {victim.SiloPort}: exit {outcome.ExitCode}\n{outcome.Stderr}");
        var record = OnlyRecord(outcome);
        Assert.Equal(Outcomes.Lost, record.GetProperty("outcome").GetString());
        Assert.Contains($"127.0.0.1:{victim.SiloPort}", record.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, outcome.ExitCode);
    }

    [Fact]
    public async Task A_hosted_load_that_loses_a_workers_silo_or_its_coordinators_ends_lost_within_30_s_naming_it()
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));

        // Two minutes of drive each: only a watch, not the load's own bound, can end them in time. First a silo that
        // holds grains and callers but neither the coordinator nor the gateway: the coordinator lives and must not
        // be reported lost.
        string[] load = ["load", "--grains", "2000", "--concurrency", "8", "--duration", "120s", "--format", "json", "--cluster-id", cluster.ClusterId, "--connect-timeout", "60"];
        var gateway = cluster.Silos[0];
        var worker = cluster.Silos[1];
        await using (var cli = CliRun.Start([.. load, "--gateway", $"127.0.0.1:{gateway.GatewayPort}"]))
        {
            Assert.Same(gateway, await CoordinatorSiloAsync(cluster, cli));
            worker.Process.Kill();
            var record = await LostWithinAsync(cli, "a worker's silo");
            Assert.Contains($"silo 127.0.0.1:{worker.SiloPort} left the cluster", record.GetProperty("failure").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("coordinator's silo", record.GetProperty("failure").GetString(), StringComparison.Ordinal);
        }

        // Then the coordinator's own silo, the CLI joined through Redis.
        await using (var cli = CliRun.Start([.. load, "--redis", cluster.Redis.Endpoint]))
        {
            var victim = await CoordinatorSiloAsync(cluster, cli);
            victim.Process.Kill();
            var record = await LostWithinAsync(cli, "the coordinator's silo");
            Assert.Contains($"coordinator's silo 127.0.0.1:{victim.SiloPort}", record.GetProperty("failure").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Waits for the CLI to exit after a kill: exit 1, no exception text, one lost record, returned.</summary>
    private async Task<JsonElement> LostWithinAsync(CliRun cli, string victim)
    {
        var killed = Stopwatch.StartNew();
        var outcome = await cli.ExitAsync(_endsWithin + _slack);
        output.WriteLine($"the CLI exited {killed.Elapsed.TotalSeconds:0.0} s after the kill of {victim}: exit {outcome.ExitCode}\n{outcome.Stderr}");
        Assert.Equal(1, outcome.ExitCode);
        Assert.DoesNotContain("Exception", outcome.Stderr, StringComparison.Ordinal);
        var record = OnlyRecord(outcome);
        Assert.Equal(Outcomes.Lost, record.GetProperty("outcome").GetString());
        Assert.False(record.GetProperty("correct").GetBoolean());
        return record;
    }

    /// <summary>Waits until the CLI's progress names its coordinator's silo, and returns that silo.</summary>
    private static async Task<SiloProcess> CoordinatorSiloAsync(RedisSiloCluster cluster, CliRun cli)
    {
        var line = await cli.StderrAsync(CoordinatorLine, TimeSpan.FromSeconds(120), "the CLI to name its coordinator's silo");
        var port = int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        return cluster.Silos.Single(s => s.SiloPort == port);
    }

    private static JsonElement OnlyRecord(CliRun.Outcome outcome)
    {
        Assert.True(outcome.Stdout.Length > 0, $"no record: exit {outcome.ExitCode}: {outcome.Stderr}");
        using var json = JsonDocument.Parse(outcome.Stdout);
        return json.RootElement.GetProperty("runs").EnumerateArray().Single().Clone();
    }
}
