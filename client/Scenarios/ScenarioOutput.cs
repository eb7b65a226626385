using System.Globalization;
using System.Text.Json;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;
using ScottPlot;
using Spectre.Console;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>Everything <c>scenario run</c> measured: the machine, and each scenario's claim, evidence and verdict.</summary>
internal sealed record ScenarioDocument(MachineInfo Machine, string Cluster, int Repeats, double Seconds, IReadOnlyList<ScenarioResult> Scenarios, double? LoadAverageBefore = null, double? LoadAverageAfter = null)
{
    /// <summary>This machine's one-minute load average (Linux), or null where /proc/loadavg is not.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Scenario output: tables of at most <see cref="Width"/> columns for people, JSON for scripts, and a folder with charts and a page.</summary>
internal static class ScenarioOutput
{
    public const string JsonFile = "scenarios.json";
    public const string HtmlFile = "scenarios.html";

    /// <summary>Tables and lines are laid out to fit this many columns.</summary>
    public const int Width = 120;

    /// <summary>The list of scenarios and their claims.</summary>
    public static void WriteList(IReadOnlyList<IScenario> scenarios, OutputFormat format, TextWriter writer)
    {
        if (format == OutputFormat.Json)
        {
            writer.WriteLine(JsonSerializer.Serialize(new { scenarios = scenarios.Select(s => new { name = s.Name, claim = s.Claim }) }, JsonFormat.Options));
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("scenario").AddColumn("claim");
        foreach (var s in scenarios)
        {
            table.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Claim));
        }

        var console = Console(writer);
        console.Write(table);
        console.WriteLine("Run one with 'processmesh scenario run NAME', or every one with 'processmesh scenario run all --out DIR'.");
    }

    /// <summary>One scenario: its claim, the evidence table, the verdict and its reason, and notes.</summary>
    public static void WriteScenario(ScenarioResult result, TextWriter writer)
    {
        var console = Console(writer);
        console.WriteLine();
        console.Write(new Rule($"[bold]{Markup.Escape(result.Name)}[/]").LeftJustified());
        console.MarkupLine($"claim: {Markup.Escape(result.Claim)}");
        if (result.Evidence.Columns.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(result.Evidence.Title));
            foreach (var (column, i) in result.Evidence.Columns.Select((c, i) => (c, i)))
            {
                table.AddColumn(new TableColumn(Markup.Escape(column)) { Alignment = i == 0 ? Justify.Left : Justify.Right });
            }

            foreach (var row in result.Evidence.Rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            console.Write(table);
        }

        console.MarkupLine($"verdict: {Colour(result.Verdict)} ({result.Seconds:0.0} s). {Markup.Escape(result.Reason)}.");
        foreach (var note in result.Notes ?? [])
        {
            console.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
        }
    }

    /// <summary>One line per scenario and the machine, after all of them.</summary>
    public static void WriteSummary(ScenarioDocument document, TextWriter writer)
    {
        var console = Console(writer);
        console.WriteLine();
        var table = new Table().Border(TableBorder.Rounded).Title("Verdicts").AddColumn("scenario").AddColumn("verdict").AddColumn(new TableColumn("s") { Alignment = Justify.Right });
        foreach (var r in document.Scenarios)
        {
            table.AddRow(Markup.Escape(r.Name), Colour(r.Verdict), r.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        console.WriteLine(MachineLine(document));
    }

    /// <summary>The whole document as JSON (camelCase, the run records as <c>run --format json</c> prints them).</summary>
    public static void WriteJson(ScenarioDocument document, TextWriter writer) => writer.WriteLine(JsonSerializer.Serialize(document, JsonFormat.Options));

    /// <summary>Null when <paramref name="dir"/> can be created and written, else why not.</summary>
    public static string? CheckWritable(DirectoryInfo dir)
    {
        if (File.Exists(dir.FullName))
        {
            return $"{dir.FullName} is a file, not a folder";
        }

        try
        {
            dir.Create();
            var probe = Path.Combine(dir.FullName, $".processmesh-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write into {dir.FullName} ({e.Message})";
        }
    }

    /// <summary>Writes the JSON, the charts and the page into <paramref name="dir"/>; returns the page's path.</summary>
    public static string WriteFolder(DirectoryInfo dir, ScenarioDocument document)
    {
        dir.Create();
        using (var writer = new StreamWriter(Path.Combine(dir.FullName, JsonFile)))
        {
            WriteJson(document, writer);
        }

        foreach (var chart in document.Scenarios.Select(s => s.Chart).OfType<ScenarioChart>())
        {
            Draw(dir, chart, $"{document.Machine.Cores} cores · {document.Machine.Gc} GC · {Figures.Count(document.Machine.Silos, "silo")} · .NET {document.Machine.Runtime} · {document.Repeats} repeats, medians");
        }

        return ScenarioPage.Write(dir, document);
    }

    /// <summary>The machine and cluster the figures come from, in one line.</summary>
    public static string MachineLine(ScenarioDocument d) =>
        $"Measured on {d.Machine.Cores} cores, {Bytes.Format(d.Machine.MemoryBytes)}, {d.Machine.Gc} GC, {Figures.Count(d.Machine.Silos, "silo")} ({d.Cluster}), " +
        $".NET {d.Machine.Runtime}; {Figures.Count(d.Repeats, "repeat")} a figure after a warm-up; {d.Seconds:0} s in all" +
        (d.LoadAverageBefore is { } before && d.LoadAverageAfter is { } after
            ? $"; this machine's load average {before:0.0} before, {after:0.0} after{(Math.Max(before, after) > d.Machine.Cores ? $" (more runnable work than its {d.Machine.Cores} cores: other work shared them, and timings carry it)" : "")}."
            : ".");

    private static void Draw(DirectoryInfo dir, ScenarioChart chart, string machine)
    {
        var plot = new Plot();
        plot.Title($"{chart.Title}\n{machine}", size: 12);
        plot.Axes.Bottom.Label.Text = chart.XLabel;
        plot.Axes.Left.Label.Text = chart.YLabel;
        foreach (var series in chart.Series)
        {
            var xs = series.X.Select(x => chart.LogX ? Math.Log10(x) : x).ToArray();
            var scatter = plot.Add.Scatter(xs, series.Y.Select(y => chart.LogY ? Math.Log10(Math.Max(y, 1e-3)) : y).ToArray());
            scatter.LegendText = series.Label;
            scatter.MarkerSize = 7;
            scatter.LineWidth = 2;
        }

        if (chart.LogX)
        {
            plot.Axes.Bottom.TickGenerator = LogTicks();
        }

        if (chart.LogY)
        {
            plot.Axes.Left.TickGenerator = LogTicks();
        }
        else
        {
            plot.Axes.Margins(bottom: 0);
        }

        plot.ShowLegend(Edge.Right); // beside the data area, never on it
        plot.SavePng(Path.Combine(dir.FullName, $"{chart.Name}.png"), 900, 520);
        File.WriteAllText(Path.Combine(dir.FullName, $"{chart.Name}.svg"), plot.GetSvgXml(900, 520));
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString(v < 0 ? "0.###" : "N0", CultureInfo.InvariantCulture),
    };

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "[green]holds[/]",
        Verdict.DoesNotHold => "[red]does not hold[/]",
        _ => "[yellow]inconclusive[/]",
    };

    private static IAnsiConsole Console(TextWriter writer) =>
        TableFormat.ConsoleFor(writer, TableFormat.IsTerminal(writer) ? Math.Min(TableFormat.TerminalWidth(), Width) : Width);
}
