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

        // Lines the silo logged while each run went through it: 20 ring workers, then 200.
        var added = new List<int>();
        foreach (var workers in new[] { 20, 200 })
        {
            var before = silo.Log.Count;
            var outcome = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--model", "process", "--workload", "ring", "--workers", $"{workers}", "--work", $"{workers * 10}",
                "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId, "--connect-timeout", "60");
            Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
            added.Add(silo.Log.Count - before);
        }

        Loopback.Terminate(silo.Process);
        Assert.Equal(0, await silo.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        var log = string.Join('\n', silo.Log);

        // A line per grain would add hundreds for the second run; a loaded machine may add a warning or two.
        Assert.True(added[1] <= added[0] + 5, $"200 workers added {added[1]} log lines where 20 added {added[0]}:\n{log}");
        Assert.Contains("ProcessMesh silo listening", log, StringComparison.Ordinal);
        Assert.DoesNotContain("this silo, joined", log, StringComparison.Ordinal); // its one ready line says it, with its ports
        var information = silo.Log.Count(l => l.Contains(" info: ", StringComparison.Ordinal));
        Assert.True(information < 10, $"a silo that started, ran two rings and stopped logged {information} lines at Information:\n{log}");
    }
}
