using ProcessMesh.Silo.Http;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>The standalone silo's HTTP side: probe paths, Prometheus metrics, and readiness across shutdown.</summary>
public sealed class SiloHttpTests
{
    [Fact]
    public async Task A_silo_answers_its_probes_exports_metrics_and_turns_unready_on_sigterm()
    {
        var gatewayPort = SiloProcess.FreePort();
        var clusterId = $"http-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start(Path.Combine(AppContext.BaseDirectory, "ProcessMesh.Silo.dll"), new Dictionary<string, string>
        {
            ["ProcessMesh__SiloPort"] = SiloProcess.Text(SiloProcess.FreePort()),
            ["ProcessMesh__GatewayPort"] = SiloProcess.Text(gatewayPort),
            ["ProcessMesh__HttpPort"] = SiloProcess.Text(SiloProcess.FreePort()),
            ["ProcessMesh__ClusterId"] = clusterId,
            ["ProcessMesh__ShutdownTimeout"] = "00:00:10",
        });

        // Liveness answers as soon as HTTP does, whatever the silo's state.
        await silo.WaitForAsync(SiloEndpoints.Live, 200, TimeSpan.FromMinutes(1));
        await silo.WaitForAsync(SiloEndpoints.Startup, 200, TimeSpan.FromMinutes(1));
        await silo.WaitForAsync(SiloEndpoints.Ready, 200, TimeSpan.FromMinutes(1));

        var run = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--model", "process", "--workload", "ring", "--workers", "3", "--work", "300",
            "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--gateway", $"127.0.0.1:{gatewayPort}", "--cluster-id", clusterId);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");

        var (status, metrics) = await silo.GetAsync(SiloEndpoints.Metrics);
        Assert.Equal(200, status);
        Assert.Matches(@"(?m)^orleans_catalog_activations\{[^}]*\} \d+", metrics);
        Assert.Matches(@"(?m)^processmesh_runs_total\{[^}]*model=""process""[^}]*workload=""ring""[^}]*\} 1$", metrics);
        Assert.Matches(@"(?m)^processmesh_messages_total\{[^}]*\} [1-9]\d*$", metrics);
        Assert.Matches(@"(?m)^processmesh_run_workers\{[^}]*\} 3$", metrics);
        Assert.Matches(@"(?m)^processmesh_latency_microseconds\{[^}]*percentile=""p99""[^}]*\} ", metrics);
        Assert.Equal(404, (await silo.GetAsync(SiloEndpoints.Dashboard)).Status);

        await AssertUnreadyAfterSigtermAsync(silo);
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the silo did not exit after SIGTERM:\n{silo.Log}");
        Assert.True(silo.ExitCode == 0, $"the silo exited with {silo.ExitCode}:\n{silo.Log}");
    }

    /// <summary>
    /// Sends SIGTERM and polls readiness without pause: while the silo leaves its cluster the HTTP server still
    /// answers, and readiness must answer 503 there; liveness still answers 200.
    /// </summary>
    internal static async Task AssertUnreadyAfterSigtermAsync(SiloProcess silo)
    {
        silo.Terminate();
        var seen = new List<int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            var (status, _) = await silo.GetAsync(SiloEndpoints.Ready);
            if (seen.Count == 0 || seen[^1] != status)
            {
                seen.Add(status);
            }

            if (status is 503 or 0)
            {
                break;
            }
        }

        Assert.True(seen[^1] == 503, $"within a minute of SIGTERM readiness answered {string.Join(" then ", seen)} (0: no answer), never 503:\n{silo.Log}");
    }
}
