using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ProcessMesh.Tests.Cli;

/// <summary>A small real sweep, its results folder, the report rendered from it, and the page opened in Chromium.</summary>
public sealed partial class SweepReportTests : IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromMinutes(4);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("processmesh-sweep-");

    [Fact]
    public async Task A_sweep_writes_a_folder_that_report_renders_as_a_page_with_charts_and_tables()
    {
        var sweep = await CliProcess.RunAsync(_timeout, "sweep", "--grains", "1,50", "--models", "process,thread", "--workers", "2",
            "--duration", "200ms", "--repeats", "2", "--warmup", "0", "--out", _dir.FullName, "--format", "json", "--quiet");

        Assert.True(sweep.ExitCode == 0, $"sweep exit {sweep.ExitCode}: {sweep.Stderr}");
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "results.json"))))
        {
            var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(4, runs.Count);
            foreach (var run in runs)
            {
                foreach (var field in new[] { "grains", "activationSeconds", "activationRate", "memoryPerGrainBytes", "errors", "timeouts", "path", "heapBeforeBytes", "heapAfterBytes", "throughputMin", "throughputMax" })
                {
                    Assert.True(run.TryGetProperty(field, out _), $"sweep record lacks '{field}'");
                }

                Assert.Equal("hosted", run.GetProperty("path").GetString());
                Assert.Equal(2, run.GetProperty("repeats").GetInt32());

                // Each repeat is a load test of its own, one per pass over the points: every one's throughput is kept.
                var passes = run.GetProperty("throughputRepeats").EnumerateArray().Select(v => v.GetDouble()).ToList();
                Assert.Equal(2, passes.Count);
                Assert.Equal(passes.Min(), run.GetProperty("throughputMin").GetDouble());
                Assert.Equal(passes.Max(), run.GetProperty("throughputMax").GetDouble());
                Assert.Contains(run.GetProperty("throughput").GetDouble(), passes);
            }

            // The whole sweep's heap: read before the warm-up (which held the largest population), after it, at the end.
            var heap = json.RootElement.GetProperty("heap");
            Assert.Equal(50, heap.GetProperty("warmUpGrains").GetInt32());
            foreach (var reading in new[] { "beforeWarmUpBytes", "afterWarmUpBytes", "endBytes" })
            {
                Assert.True(heap.GetProperty(reading).GetInt64() > 0, $"heap.{reading} was not read");
            }
        }

        Assert.Equal(5, File.ReadAllLines(Path.Combine(_dir.FullName, "results.csv")).Length);
        foreach (var chart in new[] { "throughput-vs-grains", "p99-vs-grains", "memory-per-grain", "activation-rate" })
        {
            Assert.True(new FileInfo(Path.Combine(_dir.FullName, $"{chart}.png")).Length > 1000, $"{chart}.png missing or empty");
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir.FullName, $"{chart}.svg")), StringComparison.Ordinal);
        }

        var report = await CliProcess.RunAsync(_timeout, "report", _dir.FullName, "--html", "--baseline", _dir.FullName);
        Assert.True(report.ExitCode == 0, $"report exit {report.ExitCode}: {report.Stderr}");
        Assert.Contains("Change against the baseline", report.Stdout, StringComparison.Ordinal);

        var dom = await DumpDomAsync(Path.Combine(_dir.FullName, "report.html"));
        Assert.Equal(4, FigureRegex().Matches(dom).Count);
        Assert.True(Regex.Matches(dom, "<svg").Count >= 4, "the charts' SVG did not reach the page");
        var results = ResultsTableRegex().Match(dom);
        Assert.True(results.Success, "the results table is missing");
        Assert.Equal(4, Regex.Matches(results.Value, "<tr>").Count - 1);
        Assert.Contains("id=\"changes\"", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"heap\"", dom, StringComparison.Ordinal);
        Assert.Contains($"{Environment.ProcessorCount} cores", dom, StringComparison.Ordinal); // the machine is stated
    }

    [Fact]
    public async Task A_point_that_cannot_fit_is_refused_and_the_sweep_goes_on()
    {
        var sweep = await CliProcess.RunAsync(_timeout, "sweep", "--grains", "10,1000000", "--memory", "1GiB", "--models", "process", "--workers", "2",
            "--duration", "100ms", "--repeats", "1", "--warmup", "0", "--format", "json", "--quiet");

        Assert.Equal(1, sweep.ExitCode);
        using var json = JsonDocument.Parse(sweep.Stdout);
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(10, run.GetProperty("grains").GetInt32());
        var failure = Assert.Single(json.RootElement.GetProperty("failures").EnumerateArray()).GetString();
        Assert.Contains("--grains", failure, StringComparison.Ordinal);
        Assert.Contains("1,000,000", failure, StringComparison.Ordinal);
        Assert.Equal(10, json.RootElement.GetProperty("heap").GetProperty("warmUpGrains").GetInt32()); // no warm-up for the refused point
    }

    [Fact]
    public async Task Report_refuses_a_folder_without_results()
    {
        var outcome = await CliProcess.RunAsync(_timeout, "report", _dir.FullName);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("results.json", outcome.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Opens the page in headless Chromium (test.sh installs it) and returns the DOM it built.</summary>
    private static async Task<string> DumpDomAsync(string page)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed: run ./test.sh, which installs it");
        var profile = Directory.CreateTempSubdirectory("processmesh-chromium-");
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}", "--dump-dom", new Uri(page).AbsoluteUri })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var dom = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        profile.Delete(recursive: true);
        return await dom;
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [GeneratedRegex("<figure class=\"chart\"")]
    private static partial Regex FigureRegex();

    [GeneratedRegex("<table id=\"results\">.*?</table>", RegexOptions.Singleline)]
    private static partial Regex ResultsTableRegex();
}
