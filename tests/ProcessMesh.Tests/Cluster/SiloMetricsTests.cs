using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// A standalone silo's /metrics has every <c>processmesh_*</c> series docs/cluster.md lists from the moment it is
/// ready, at zero, in both formats Prometheus asks for (a counter or histogram exists before it counts); after a run
/// the duration histogram counts it, in one family.
/// </summary>
public sealed class SiloMetricsTests
{
    private static readonly string[] _series =
    [
        "processmesh_runs_total", "processmesh_messages_total", "processmesh_run_workers", "processmesh_run_grains",
        "processmesh_run_duration_seconds_count", "processmesh_run_duration_seconds_sum", "processmesh_latency_microseconds",
    ];

    [Fact]
    public async Task Every_processmesh_series_is_at_zero_from_the_first_scrape_and_the_duration_histogram_counts_the_first_run()
    {
        var httpPort = Loopback.FreePort();
        var clusterId = $"metrics-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture), ["ClusterId"] = clusterId });
        await silo.Listening.WaitAsync(TimeSpan.FromMinutes(2));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };

        foreach (var openMetrics in new[] { false, true })
        {
            var text = await ScrapeAsync(http, openMetrics);
            foreach (var series in _series)
            {
                Assert.True(Regex.IsMatch(text, $@"(?m)^{series}\{{[^}}]*\}} 0$"), $"{series} is not at zero in the first scrape ({(openMetrics ? "OpenMetrics" : "Prometheus text")}):\n{text}");
            }

            Assert.Matches(@"(?m)^processmesh_run_duration_seconds_bucket\{[^}]*le=""\+Inf""\} 0$", text);
            Assert.Single(Regex.Matches(text, @"(?m)^# TYPE processmesh_run_duration_seconds histogram$"));
            Assert.Equal(openMetrics, text.TrimEnd().EndsWith("# EOF", StringComparison.Ordinal));
        }

        var run = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--model", "process", "--workload", "ring", "--workers", "2", "--work", "200",
            "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", clusterId);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");

        var after = await ScrapeAsync(http, openMetrics: false);
        Assert.Matches(@"(?m)^processmesh_run_duration_seconds_count\{[^}]*model=""process""[^}]*\} 1$", after);
        Assert.Single(Regex.Matches(after, @"(?m)^# TYPE processmesh_run_duration_seconds histogram$"));
    }

    private static async Task<string> ScrapeAsync(HttpClient http, bool openMetrics)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (openMetrics)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/openmetrics-text; version=1.0.0"));
        }

        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"/metrics answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }
}
