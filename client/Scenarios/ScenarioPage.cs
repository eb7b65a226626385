using System.Globalization;
using System.Net;
using System.Text;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>One self-contained HTML page: each claim, its evidence (table and chart), its verdict and why.</summary>
internal static class ScenarioPage
{
    /// <summary>Writes the page into <paramref name="dir"/>, inlining the charts already drawn there; returns its path.</summary>
    public static string Write(DirectoryInfo dir, ScenarioDocument document)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>ProcessMesh scenarios</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
            table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
            th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
            th:first-child,td:first-child{text-align:left}
            .verdict{font-weight:bold;padding:.1rem .4rem;border-radius:.2rem}
            .holds{background:#e8f5e9;color:#1b5e20}.does-not-hold{background:#ffebee;color:#b00020}.inconclusive{background:#fff8e1;color:#8d6e00}
            .note{color:#555;font-size:.9rem}
            </style></head><body>
            <h1>ProcessMesh scenarios</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"machine\">{E(ScenarioOutput.MachineLine(document))}</p>\n");
        html.Append("<table id=\"verdicts\"><thead><tr><th>scenario</th><th>claim</th><th>verdict</th></tr></thead><tbody>\n");
        foreach (var r in document.Scenarios)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"#{r.Name}\">{E(r.Name)}</a></td><td>{E(r.Claim)}</td><td><span class=\"verdict {Css(r)}\">{E(r.VerdictText)}</span></td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var r in document.Scenarios)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"scenario\" id=\"{r.Name}\">\n<h2>{E(r.Name)}</h2>\n<p class=\"claim\"><em>{E(r.Claim)}</em></p>\n");
            if (r.Evidence.Columns.Count > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<table class=\"evidence\"><caption>{E(r.Evidence.Title)}</caption><thead><tr>");
                foreach (var c in r.Evidence.Columns)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<th>{E(c)}</th>");
                }

                html.Append("</tr></thead><tbody>\n");
                foreach (var row in r.Evidence.Rows)
                {
                    html.Append("<tr>");
                    foreach (var cell in row)
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<td>{E(cell)}</td>");
                    }

                    html.Append("</tr>\n");
                }

                html.Append("</tbody></table>\n");
            }

            if (r.Chart is { } chart && File.Exists(Path.Combine(dir.FullName, $"{chart.Name}.svg")))
            {
                var svg = File.ReadAllText(Path.Combine(dir.FullName, $"{chart.Name}.svg"));
                svg = svg[Math.Max(0, svg.IndexOf("<svg", StringComparison.Ordinal))..];
                html.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\">{svg}<figcaption>{E(chart.Title)}</figcaption></figure>\n");
            }

            html.Append(CultureInfo.InvariantCulture, $"<p>Verdict: <span class=\"verdict {Css(r)}\">{E(r.VerdictText)}</span> — {E(r.Reason)}.</p>\n");
            foreach (var note in r.Notes ?? [])
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(note)}</p>\n");
            }

            html.Append("</section>\n");
        }

        html.Append("</body></html>\n");
        var path = Path.Combine(dir.FullName, ScenarioOutput.HtmlFile);
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static string Css(ScenarioResult r) => r.VerdictText.Replace(' ', '-');

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
