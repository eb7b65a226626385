using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Cluster;

/// <summary>A standalone silo logs what an operator needs (start, join, leave, errors), not a line per grain.</summary>
public sealed class SiloLogTests
{
    [Fact]
    public async Task A_silo_log_stays_flat_as_the_grains_it_hosts_grow_tenfold()
    {
        var clusterId = $"test-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["ClusterId"] = clusterId });
        await silo.Listening.WaitAsync(TimeSpan.FromMinutes(2));

        var linesAfter = new List<int>();
        foreach (var workers in new[] { 20, 200 })
        {
            var outcome = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--model", "process", "--workload", "ring", "--workers", $"{workers}", "--work", $"{workers * 10}",
                "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId);
            Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
            linesAfter.Add(silo.Log.Count);
        }

        Loopback.Terminate(silo.Process);
        Assert.Equal(0, await silo.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        var log = string.Join('\n', silo.Log);
        Assert.True(linesAfter[1] == linesAfter[0], $"220 grains wrote {linesAfter[1] - linesAfter[0]} more log lines than 20 did:\n{log}");
        Assert.Contains("ProcessMesh silo listening", log, StringComparison.Ordinal);
        Assert.Contains("this silo, joined", log, StringComparison.Ordinal);
        Assert.True(silo.Log.Count < 20, $"a silo that started, ran two rings and stopped wrote {silo.Log.Count} lines:\n{log}");
    }
}
