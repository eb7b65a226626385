using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProcessMesh.Contracts;
using ProcessMesh.Silo;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// Three real silos on a real Redis; a silo that holds workers (not the coordinator's, not the CLI's gateway) is killed
/// with SIGKILL in the middle of a pingpong run from the real CLI. The run must end lost, within 30 s of the kill,
/// with its message ledger balanced: pingpong cannot redo a pair's rounds elsewhere.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class SiloKillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan _endsWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_silo_killed_mid_run_ends_the_run_within_30_s_with_a_balanced_ledger()
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        var gateway = cluster.Silos[0];

        // Our own client, to see where the run's grains are (the CLI keeps its own connection through silo 0).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddProcessMeshClient(ClusterAccess.ThroughRedis(cluster.Redis.Endpoint, cluster.ClusterId));
        using var observer = builder.Build();
        await observer.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var grains = observer.Services.GetRequiredService<IClusterClient>();

        // Pingpong keeps state in every pair, so a lost silo cannot be redone elsewhere: the run must end as lost.
        var run = CliProcess.RunAsync(TimeSpan.FromMinutes(3), "run", "--model", "process", "--workload", "pingpong", "--workers", "6", "--work", "500000000",
            "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet",
            "--gateway", $"127.0.0.1:{gateway.GatewayPort}", "--cluster-id", cluster.ClusterId, "--connect-timeout", "60");

        // The victim: a silo that holds workers but neither the run's coordinator nor the CLI's gateway.
        var victim = await cluster.VictimAsync(grains, gateway, run, workers: 6, async () =>
        {
            var early = await run;
            return $"exit {early.ExitCode}: {early.Stderr}";
        });

        victim.Process.Kill();
        var killed = Stopwatch.StartNew();
        output.WriteLine($"killed silo {victim.SiloPort} (pid {victim.Process.Id})");
        // The run must end within 30 s; the CLI's own exit after it gets 15 s more on a loaded machine.
        var outcome = await run.WaitAsync(_endsWithin + TimeSpan.FromSeconds(15));
        var endedAfter = killed.Elapsed;
        output.WriteLine($"the run ended {endedAfter.TotalSeconds:0.0} s after the kill: exit {outcome.ExitCode}\n{outcome.Stderr}");

        Assert.True(outcome.Stdout.Length > 0, $"no record: exit {outcome.ExitCode}: {outcome.Stderr}");
        using var json = JsonDocument.Parse(outcome.Stdout);
        var record = json.RootElement.GetProperty("runs")[0];
        var ledger = record.GetProperty("ledger");
        var (sent, delivered, failed) = (ledger.GetProperty("sent").GetInt64(), ledger.GetProperty("delivered").GetInt64(), ledger.GetProperty("failed").GetInt64());
        output.WriteLine($"outcome {record.GetProperty("outcome").GetString()}, ledger sent {sent} = delivered {delivered} + failed {failed}");
        // A pair's rounds live in the pair: the engine watches membership and stops a workload that cannot redo its
        // share (IWorkload.Recovers is false for pingpong) as soon as a silo holding workers leaves. Never recovered.
        Assert.Equal(Outcomes.Lost, record.GetProperty("outcome").GetString());
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(sent, delivered + failed);
        Assert.False(record.GetProperty("correct").GetBoolean());
        Assert.True(record.GetProperty("lostWork").GetInt64() > 0, "a lost pingpong run did not count the rounds it never played");
        // The failure names the silo that was lost. On a loaded machine the kill can land while the last sinks learn
        // where the workers live, just before the clock starts ("... while the workers were starting"); either way lost.
        Assert.Contains($":{victim.SiloPort} left the cluster", record.GetProperty("failure").GetString(), StringComparison.Ordinal);

        await observer.StopAsync();
        foreach (var silo in cluster.Silos.Where(s => s != victim))
        {
            Loopback.Terminate(silo.Process);
        }

        foreach (var silo in cluster.Silos.Where(s => s != victim))
        {
            Assert.Equal(0, await silo.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        }
    }
}
