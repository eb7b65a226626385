using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Cli;

/// <summary>A workload sweep's charts: only those it can draw, with whole worker counts on the axis.</summary>
public sealed class ChartsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("processmesh-charts-");

    [Fact]
    public void A_pingpong_sweep_draws_no_speedup_chart_and_ticks_only_the_worker_counts_it_measured()
    {
        var machine = new MachineInfo { Cores = 2, MemoryBytes = 1L << 34, Gc = "server", Silos = 1, Runtime = "10" };
        var runs = Speedup.With(new[] { 2, 4, 8 }.SelectMany(w => new[] { Models.Process, Models.Thread }.Select(m => new RunResult
        {
            Model = m, Workload = "pingpong", Workers = w, Work = 20_000, Granularity = 1, Throughput = 1000.0 * w, WallSeconds = 1,
            Sync = m == Models.Thread ? "lock" : null, Latency = new LatencySummary { P99 = 100 }, MemoryPerWorkerBytes = 4096, Machine = machine,
        })));

        var charts = Charts.Write(_dir, runs).Select(c => c.Name).ToList();

        Assert.DoesNotContain("speedup-vs-workers", charts);
        Assert.Contains("throughput-vs-workers", charts);
        var svg = File.ReadAllText(Path.Combine(_dir.FullName, "throughput-vs-workers.svg"));
        var labels = System.Text.RegularExpressions.Regex.Matches(svg, @">([^<>]+)<").Select(m => m.Groups[1].Value.Trim()).Where(t => t.Length > 0).ToList();
        Assert.DoesNotContain("2.5", labels);
        Assert.DoesNotContain("3", labels);   // 3 workers were never measured
        Assert.True(labels.Contains("8"), $"no tick at 8 workers among: {string.Join(" | ", labels)}");
        Assert.Contains("sync=lock", svg, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
