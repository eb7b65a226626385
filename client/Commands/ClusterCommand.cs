using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;
using Spectre.Console;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh cluster</c>: the silos of a cluster, each with its status, activations, workers, CPU and heap.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var all = new Option<bool>("--all") { Description = "Also list silos the membership table holds as dead." };
        var command = new Command("cluster", """
            List the silos of a cluster: address, name, status, gateway, grain activations, process workers, CPU
            (over half a second, in percent of one core; and seconds since start) and managed heap, read on each silo.
            With no --redis or --gateway, the embedded default: one silo in this process.

            Examples:
              processmesh cluster --redis 127.0.0.1:6379
              processmesh cluster --gateway 127.0.0.1:30000 --format json
              processmesh cluster
              processmesh cluster catalog
            """);
        command.Options.Add(all);
        common.AddTo(command, withOutFile: false);
        command.Subcommands.Add(CatalogCommand.Create());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var access = common.Access(parse);
            ClusterConnection connection;
            try
            {
                connection = await ClusterConnection.OpenAsync(access, false, TimeSpan.FromSeconds(parse.GetValue(common.ConnectTimeout)), parse.GetValue(common.Verbose), cancellationToken);
            }
            catch (ClusterUnreachableException e)
            {
                return Execution.Fail(e.Message, Execution.Unreachable);
            }

            await using (connection)
            {
                ClusterSurvey survey;
                try
                {
                    survey = await ClusterSurvey.TakeAsync(connection.Grains, connection.Description, parse.GetValue(all), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return Execution.Fail("interrupted before the silos answered", Execution.RunFailed);
                }

                Write(survey, parse.GetValue(common.Format), Console.Out);
                foreach (var silo in survey.Silos.Where(s => s.Problem is not null))
                {
                    await Console.Error.WriteLineAsync($"processmesh: silo {silo.Address}: {silo.Problem}");
                }

                return survey.Silos.Any(s => s.Problem is not null) ? Execution.RunFailed : Execution.Ok;
            }
        });
        return command;
    }

    /// <summary>Writes <paramref name="survey"/> as a table, JSON (<c>{"cluster", "active", "silos": [...]}</c>) or CSV.</summary>
    public static void Write(ClusterSurvey survey, OutputFormat format, TextWriter writer)
    {
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(JsonSerializer.Serialize(new { survey.Cluster, survey.Active, survey.Silos }, JsonFormat.Options));
                break;
            case OutputFormat.Csv:
                CsvTable.Write(survey.Silos, writer);
                break;
            default:
                WriteTable(survey, writer);
                break;
        }
    }

    private static void WriteTable(ClusterSurvey survey, TextWriter writer)
    {
        var width = TableFormat.IsTerminal(writer) ? TableFormat.TerminalWidth() : TableFormat.DefaultWidth;
        var console = TableFormat.ConsoleFor(writer, width);

        // Fitted like every other table: when the width runs out, the silo's name goes first (its address names it),
        // then CPU seconds, the working set and the gateway; the JSON keeps them all.
        FittedColumn[] columns =
        [
            new("silo", 0, Left: true), new("name", 4, Left: true), new("status", 0, Left: true), new("gateway", 2, Left: true),
            new("activations", 1), new("process workers", 0), new("cpu %", 1), new("cpu s", 3), new("heap", 1), new("working set", 2),
        ];
        var rows = survey.Silos.Select(s => new FittedCell[]
        {
            s.Address, s.Name, new(s.Status, s.Status == "active" ? null : "yellow"), s.Gateway ?? "-",
            s.Activations?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
            s.ProcessWorkers?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
            s.CpuPercent?.ToString("0", CultureInfo.InvariantCulture) ?? "-",
            s.CpuSeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-",
            s.HeapBytes is { } heap ? Bytes.Format(heap) : "-",
            s.WorkingSetBytes is { } rss ? Bytes.Format(rss) : "-",
        }).ToArray();
        var (table, hidden) = FittedTable.Build($"{Figures.Count(survey.Active, "active silo")} on {survey.Cluster}", columns, rows, width);
        console.Write(table);
        if (hidden.Count > 0)
        {
            console.WriteLine($"Left out to fit {width} columns: {string.Join(", ", hidden)} (--format json has them).");
        }

        if (survey.DeadNotShown > 0)
        {
            console.WriteLine($"{Figures.Count(survey.DeadNotShown, "dead silo")} in the membership table not shown (--all lists them).");
        }
    }
}
