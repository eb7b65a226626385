using System.Globalization;
using System.Net;
using System.Text;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>One self-contained HTML page: the charts inline as SVG, the results table, failures and changes.</summary>
internal static class HtmlReport
{
    public const string FileName = "report.html";

    /// <summary>Writes <see cref="FileName"/> into <paramref name="dir"/>, reading the charts already drawn there.</summary>
    public static string Write(DirectoryInfo dir, Report report, IReadOnlyList<Charts.Chart> charts)
    {
        var html = new StringBuilder();
        var first = report.Runs.FirstOrDefault();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>ProcessMesh report</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
            table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
            th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
            th:first-child,td:first-child{text-align:left}
            figure{display:inline-block;margin:.5rem}
            .bad{color:#b00020}.good{color:#1b5e20}
            </style></head><body>
            <h1>ProcessMesh report</h1>
            """);
        if (first is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"machine\">Measured on {E(Charts.MachineLine(first))}; medians of {Figures.Count(first.Repeats, "repeat")}.</p>\n");
        }

        html.Append("<section id=\"charts\">\n");
        foreach (var chart in charts)
        {
            var svg = File.ReadAllText(Path.Combine(dir.FullName, $"{chart.Name}.svg"));
            svg = svg[Math.Max(0, svg.IndexOf("<svg", StringComparison.Ordinal))..]; // inline SVG takes no XML prolog
            html.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\" id=\"{chart.Name}\">{svg}<figcaption>{E(chart.Caption)}</figcaption></figure>\n");
        }

        html.Append("</section>\n<h2>Results</h2>\n<table id=\"results\"><thead><tr>");
        string[] columns = ["point", "throughput/s", "wall s", "p50 µs", "p99 µs", "p99.9 µs", "memory/worker", "activation/s", "heap before → after", "answer"];
        foreach (var c in columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(c)}</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var r in report.Runs)
        {
            string[] cells =
            [
                FigureChange.Label(r),
                r.Throughput.ToString("N0", CultureInfo.InvariantCulture),
                r.WallSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                r.Latency.P50.ToString("0.0", CultureInfo.InvariantCulture),
                r.Latency.P99.ToString("0.0", CultureInfo.InvariantCulture),
                r.Latency.P999.ToString("0.0", CultureInfo.InvariantCulture),
                Bytes.Format(r.MemoryPerWorkerBytes),
                r.ActivationRate?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                r.HeapBeforeBytes is { } b && r.HeapAfterBytes is { } a ? $"{Bytes.Format(b)} → {Bytes.Format(a)}" : "",
                r.Correct ? "correct" : r.Actual,
            ];
            html.Append("<tr>");
            foreach (var cell in cells)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{E(cell)}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (report.Changes is { Count: > 0 } changes)
        {
            html.Append("<h2>Change against the baseline</h2>\n<table id=\"changes\"><thead><tr><th>point</th><th>figure</th><th>baseline</th><th>now</th><th>change</th><th>noise</th></tr></thead><tbody>\n");
            foreach (var c in changes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Point)}</td><td>{E(c.Figure)}</td><td>{E(c.BaselineText)}</td><td>{E(c.CurrentText)}</td><td>{E(c.ChangeText)}</td><td>{E(c.NoiseText)}</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        if (report.Heap is { } heap)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"heap\">{E(heap.Describe())}</p>\n");
        }

        if (report.Failures is { Count: > 0 } failures)
        {
            html.Append("<h2>Failed points</h2>\n<ul id=\"failures\">\n");
            foreach (var f in failures)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"bad\">{E(f)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</body></html>\n");
        var path = Path.Combine(dir.FullName, FileName);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
