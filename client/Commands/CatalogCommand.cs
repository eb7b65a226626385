using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;
using Spectre.Console;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// <c>processmesh cluster catalog</c>: what a cluster runs, as it says itself (<see cref="ICatalogGrain"/>): its
/// models with their traits and its workloads with their defaults and the models that run them.
/// </summary>
internal static class CatalogCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var command = new Command("catalog", """
            List what a cluster runs, as its silo says: every model (what one worker is, whether it stays in one silo,
            whether its workers are threads, talk by message or are placed by --placement, and which workloads it
            runs) and every workload (what it stresses, its default work and granularity for one worker, whether it
            has a speedup, and which models run it). The names --model, --models and --workload take are these.
            With no --redis or --gateway, the embedded default: one silo in this process.

            Examples:
              processmesh cluster catalog
              processmesh cluster catalog --gateway 127.0.0.1:30000 --format json
            """);
        common.AddTo(command, withOutFile: false);
        command.SetAction((parse, cancellationToken) =>
        {
            var format = parse.GetValue(common.Format);
            if (format == OutputFormat.Csv)
            {
                return Task.FromResult(Execution.Fail("--format: the catalog prints as table or json (it holds two record shapes)", Execution.BadInput));
            }

            return Execution.WithConnectionAsync(parse, common, async connection =>
            {
                var catalog = await connection.CatalogAsync(cancellationToken);
                Write(catalog, connection.Description, format, Console.Out);
                return Execution.Ok;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Writes <paramref name="catalog"/> as two tables (models, workloads) or as JSON (<c>{"models": [...], "workloads": [...]}</c>).</summary>
    public static void Write(ClusterCatalog catalog, string cluster, OutputFormat format, TextWriter writer)
    {
        if (format == OutputFormat.Json)
        {
            writer.WriteLine(JsonSerializer.Serialize(new { catalog.Models, catalog.Workloads }, JsonFormat.Options));
            return;
        }

        var width = TableFormat.IsTerminal(writer) ? TableFormat.TerminalWidth() : TableFormat.DefaultWidth;
        var console = TableFormat.ConsoleFor(writer, width);

        FittedColumn[] modelColumns =
        [
            new("model", 0, Left: true), new("silos", 0, Left: true), new("workers", 0, Left: true), new("talk by", 1, Left: true),
            new("placed", 2, Left: true), new("workloads", 3, Left: true), new("what one worker is", 4, Left: true),
        ];
        var models = catalog.Models.Select(m => new FittedCell[]
        {
            m.Name, m.SingleSilo ? "one" : "every", m.Threads ? "threads" : "processes", m.SendsMessages ? "message" : "shared memory",
            m.Placed ? "yes" : "no", m.Workloads.Count == catalog.Workloads.Count ? "all" : string.Join(", ", m.Workloads), m.Description,
        }).ToArray();
        var (modelTable, hiddenModels) = FittedTable.Build($"{Figures.Count(catalog.Models.Count, "model")} on {cluster}", modelColumns, models, width);
        console.Write(modelTable);

        FittedColumn[] workloadColumns =
        [
            new("workload", 0, Left: true), new("default work", 1), new("granularity", 2), new("unit", 3, Left: true), new("speedup", 3, Left: true),
            new("models", 1, Left: true), new("what it stresses", 4, Left: true),
        ];
        var workloads = catalog.Workloads.Select(w => new FittedCell[]
        {
            w.Name, w.DefaultWork.ToString("N0", CultureInfo.InvariantCulture), w.DefaultGranularity.ToString("N0", CultureInfo.InvariantCulture), w.Unit,
            w.HasSpeedup ? "yes" : "no", w.Models.Count == catalog.Models.Count ? "all" : string.Join(", ", w.Models), w.Summary,
        }).ToArray();
        var (workloadTable, hiddenWorkloads) = FittedTable.Build($"{Figures.Count(catalog.Workloads.Count, "workload")} (default work and granularity for one worker)", workloadColumns, workloads, width);
        console.Write(workloadTable);
        if (hiddenModels.Concat(hiddenWorkloads).ToArray() is { Length: > 0 } hidden)
        {
            console.WriteLine($"Left out to fit {width} columns: {string.Join(", ", hidden.Distinct())} (--format json has them).");
        }
    }
}
