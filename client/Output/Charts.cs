using System.Globalization;
using ProcessMesh.Contracts;
using ScottPlot;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// Charts of a results folder, each as PNG and SVG: for a grain-count sweep, throughput, p99, memory and
/// activation rate against grain count; for a workload sweep, throughput, speedup (not for pingpong and ring,
/// which have none), p99 and memory against workers. One series per model (and per other dimension that varies). Every title states the machine.
/// </summary>
internal static class Charts
{
    private const int Width = 900;
    private const int Height = 520;

    /// <summary>A chart's file name (without extension) and caption.</summary>
    public sealed record Chart(string Name, string Caption);

    /// <summary>Renders every chart that fits <paramref name="runs"/> into <paramref name="dir"/>; returns what it drew.</summary>
    public static IReadOnlyList<Chart> Write(DirectoryInfo dir, IReadOnlyList<RunResult> runs)
    {
        if (runs.Count == 0)
        {
            return [];
        }

        var machine = MachineLine(runs[0]);
        var charts = new List<Chart>();
        void Draw(string name, string title, string xLabel, string yLabel, Func<RunResult, double?> x, Func<RunResult, double?> y, Func<RunResult, string> series, bool logX, bool logY = false)
        {
            var points = runs.Select(r => (Run: r, X: x(r), Y: y(r))).Where(p => p.X is > 0 && p.Y is not null && (!logY || p.Y > 0)).ToList();
            if (points.Count == 0)
            {
                return;
            }

            var plot = new Plot();
            plot.Title($"{title}\n{machine}", size: 14);
            plot.Axes.Bottom.Label.Text = xLabel;
            plot.Axes.Left.Label.Text = yLabel;
            foreach (var group in points.GroupBy(p => series(p.Run)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var ordered = group.OrderBy(p => p.X).ToList();
                var xs = ordered.Select(p => logX ? Math.Log10(p.X!.Value) : p.X!.Value).ToArray();
                var scatter = plot.Add.Scatter(xs, ordered.Select(p => logY ? Math.Log10(p.Y!.Value) : p.Y!.Value).ToArray());
                scatter.LegendText = group.Key;
                scatter.MarkerSize = 7;
                scatter.LineWidth = 2;
            }

            if (logX)
            {
                plot.Axes.Bottom.TickGenerator = LogTicks();
            }
            else
            {
                // Workers and callers are whole numbers: a tick at each count measured, never at 2.5.
                var ticks = new ScottPlot.TickGenerators.NumericManual();
                foreach (var count in points.Select(p => p.X!.Value).Distinct().Order())
                {
                    ticks.AddMajor(count, count.ToString("N0", CultureInfo.InvariantCulture));
                }

                plot.Axes.Bottom.TickGenerator = ticks;
            }

            if (logY)
            {
                plot.Axes.Left.TickGenerator = LogTicks();
            }
            else
            {
                plot.Axes.Margins(bottom: 0);
            }

            plot.ShowLegend(Edge.Right); // beside the data area, never on it: a legend on the plot hid the last points
            plot.SavePng(Path.Combine(dir.FullName, $"{name}.png"), Width, Height);
            File.WriteAllText(Path.Combine(dir.FullName, $"{name}.svg"), plot.GetSvgXml(Width, Height));
            charts.Add(new Chart(name, title));
        }

        dir.Create();
        if (runs.Any(r => r.Grains is not null))
        {
            var loads = runs.Where(r => r.Grains is not null).ToList();
            string Series(RunResult r) => SeriesName(r, loads, includeWorkers: true, includeGranularity: false);
            Draw("throughput-vs-grains", "Throughput against grain count", "grains (log scale)", "calls per second (log scale)", r => r.Grains, r => r.Throughput, Series, logX: true, logY: true);
            Draw("p99-vs-grains", "p99 latency against grain count", "grains (log scale)", "p99 latency, µs (log scale)", r => r.Grains, r => r.Latency.P99, Series, logX: true, logY: true);
            Draw("memory-per-grain", "Memory per grain (or shared-memory object)", "grains (log scale)", "bytes per grain", r => r.Grains, r => r.MemoryPerGrainBytes, Series, logX: true);
            Draw("activation-rate", "Activation rate against grain count", "grains (log scale)", "activations per second (log scale)", r => r.Grains, r => r.ActivationRate, Series, logX: true, logY: true);
            if (loads.Select(r => r.Concurrency).Distinct().Count() > 1)
            {
                // Speedup of a population's throughput over its fewest callers (or threads), one series per model and size.
                double? Speedup(RunResult r) => loads
                    .Where(b => b.Model == r.Model && b.Grains == r.Grains && b.PayloadBytesPerMessage == r.PayloadBytesPerMessage)
                    .MinBy(b => b.Concurrency) is { Throughput: > 0 } least ? r.Throughput / least.Throughput : null;
                Draw("speedup-vs-workers", "Throughput speedup against callers or threads", "callers (process) or threads", "speedup over the fewest", r => r.Concurrency, Speedup, r => $"{r.Model}, {r.Grains:N0} grains", logX: false);
            }
        }
        else
        {
            string Series(RunResult r) => SeriesName(r, runs, includeWorkers: false, includeGranularity: true);
            Draw("throughput-vs-workers", $"{runs[0].Workload}: throughput against workers", "workers", "work units per second", r => r.Workers, r => r.Throughput, Series, logX: false);
            Draw("speedup-vs-workers", $"{runs[0].Workload}: speedup against workers", "workers", "speedup over 1 worker", r => r.Workers, r => r.Speedup, Series, logX: false);
            Draw("p99-vs-workers", $"{runs[0].Workload}: p99 latency against workers", "workers", "p99 latency (µs)", r => r.Workers, r => r.Latency.P99, Series, logX: false);
            Draw("memory-per-worker", $"{runs[0].Workload}: memory per worker", "workers", "bytes per worker", r => r.Workers, r => r.MemoryPerWorkerBytes, Series, logX: false);
        }

        return charts;
    }

    /// <summary>Ticks at powers of ten, labelled with the values themselves.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString(v < 0 ? "0.###" : "N0", CultureInfo.InvariantCulture),
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
    };

    /// <summary>The machine a figure came from, in one line.</summary>
    public static string MachineLine(RunResult run) =>
        $"{run.Machine.Cores} cores · {Bytes.Format(run.Machine.MemoryBytes)} · {run.Machine.Gc} GC · {Figures.Count(run.Silos, "silo")} · .NET {run.Machine.Runtime}";

    /// <summary>The model, plus whichever other dimensions vary across <paramref name="all"/>.</summary>
    public static string SeriesName(RunResult r, IReadOnlyList<RunResult> all, bool includeWorkers, bool includeGranularity)
    {
        var name = r.Sync is null || r.Workload == "load" ? r.Model : $"{r.Model}, sync={r.Sync}";
        if (includeWorkers && all.Select(a => a.Concurrency).Distinct().Count() > 1)
        {
            name += $", {r.Concurrency} {TableColumns.LoadWorkers(r)}";
        }

        if (all.Select(a => a.PayloadBytesPerMessage).Distinct().Count() > 1)
        {
            name += $", {Bytes.Format(r.PayloadBytesPerMessage)}";
        }

        if (includeGranularity && all.Select(a => a.Granularity).Distinct().Count() > 1)
        {
            name += $", {r.Granularity:N0}/msg";
        }

        return name;
    }
}
