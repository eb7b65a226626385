using System.CommandLine;
using ProcessMesh.Cli.Output;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh report DIR</c>: render a results folder again, as tables, charts and an HTML page.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("DIR") { Description = "A folder that 'processmesh sweep --out DIR' wrote." };
        var html = new Option<bool>("--html") { Description = $"Also write DIR/{HtmlReport.FileName}: one self-contained page with the charts and tables." };
        var baseline = new Option<DirectoryInfo?>("--baseline")
        {
            Description = "An older results folder: show how each figure changed against it.",
            HelpName = "OLD_DIR",
        };
        var format = OptionParsing.Enum("--format", "How to print the results.", OutputFormat.Table);

        var command = new Command("report", """
            Render an existing results folder again: the table, the charts (PNG and SVG), and with --html one
            self-contained page. With --baseline, each figure's change against an older folder.

            Examples:
              processmesh report results --html
              processmesh report --baseline results-monday results
            """);
        command.Arguments.Add(dir);
        command.Options.Add(html);
        command.Options.Add(baseline);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(dir)!;
            Report report;
            try
            {
                report = ReportFolder.Read(folder, "DIR");
                if (parse.GetValue(baseline) is { } old)
                {
                    report = report with { Changes = FigureChange.Compare(ReportFolder.Read(old, "--baseline").Runs, report.Runs) };
                }
            }
            catch (ArgumentException e)
            {
                return Execution.Fail(e.Message, Execution.BadInput);
            }

            var charts = Charts.Write(folder, report.Runs);
            ResultWriter.Write(report, parse.GetValue(format), Console.Out);
            Console.Error.WriteLine($"processmesh: drew {charts.Count} charts (PNG and SVG) into {folder.FullName}");
            if (parse.GetValue(html))
            {
                Console.Error.WriteLine($"processmesh: wrote {HtmlReport.Write(folder, report, charts)}");
            }

            return Execution.Ok;
        });
        return command;
    }
}
