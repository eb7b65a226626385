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
        var charts = new Option<bool>("--charts") { Description = "Draw the charts again (PNG and SVG) into DIR, from its results (--html does too)." };
        var format = OptionParsing.Enum("--format", "How to print the results.", OutputFormat.Table);
        var columns = OptionParsing.Columns();

        var command = new Command("report", """
            Print an existing results folder again as tables; with --charts draw its charts again (PNG and SVG),
            and with --html also one self-contained page. With --baseline, each figure's change against an older folder.

            Examples:
              processmesh report results --html
              processmesh report --baseline results-monday results
            """);
        command.Arguments.Add(dir);
        command.Options.Add(html);
        command.Options.Add(baseline);
        command.Options.Add(charts);
        command.Options.Add(format);
        command.Options.Add(columns);
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

            ResultFormats.For(parse.GetValue(format), TableFormat.TerminalWidth(), parse.GetValue(columns) == OptionParsing.AllColumns).Write(report, Console.Out);
            if (parse.GetValue(charts) || parse.GetValue(html))
            {
                var drawn = Charts.Write(folder, report.Runs);
                Console.Error.WriteLine($"processmesh: drew {drawn.Count} charts (PNG and SVG) into {folder.FullName}");
                if (parse.GetValue(html))
                {
                    Console.Error.WriteLine($"processmesh: wrote {HtmlReport.Write(folder, report, drawn)}");
                }
            }

            return Execution.Ok;
        });
        return command;
    }
}
