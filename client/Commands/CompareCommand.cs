using System.CommandLine;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh compare</c>: every model at each worker count, side by side, with the cost of isolation.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var models = OptionParsing.Defaulted(new Option<string[]>("--models")
        {
            Description = $"Models to compare, comma-separated: any of {string.Join(", ", BuiltIn.Models)} (the cluster lists what it runs: processmesh cluster catalog).",
            HelpName = "M1,M2",
            CustomParser = r => OptionParsing.Items(r, "--models").Select(m => OptionParsing.ParseModel(r, "--models", m)).OfType<string>().Distinct().ToArray(),
        }, [.. Models.All], string.Join(",", Models.All));
        var workers = OptionParsing.Defaulted(new Option<int[]>("--workers", "-w")
        {
            Description = "Worker counts, comma-separated. A one-worker run is always made (marked baseline when not asked for): speedup is measured against it (not for pingpong and ring, which have no speedup).",
            HelpName = "N1,N2",
            CustomParser = r => OptionParsing.Items(r, "--workers").Select(w => (int)OptionParsing.Whole(r, "--workers", w, 1, RunSpec.MaxProcessWorkers)).ToArray(),
        }, [1, 2, 4], "1,2,4");

        var command = new Command("compare", """
            Run one workload in every model at each worker count, and print one table with speedups and the cost
            of isolation: extra memory per worker of process against thread, and extra time per message, measured
            by a short pingpong hand-off in both models (2 workers).

            Examples:
              processmesh compare --workload cpu --workers 1,2
              processmesh compare --workload counter --workers 1,2,4,8 --sync interlocked --format json --out counter.json
              processmesh compare --workload io --workers 1,4,16 --models thread,gil
            """);
        command.Options.Add(models);
        command.Options.Add(workers);
        shared.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var asked = parse.GetValue(workers)!;
            var modelNames = parse.GetValue(models)!;
            return Execution.MeasureAsync(
                parse, shared, "--models", "--workers", modelNames,
                catalog =>
                {
                    var withBaseline = Speedup.WhyNone(catalog.Workload(parse.GetValue(shared.Workload).Name)) is null;
                    var counts = (withBaseline ? asked.Append(1) : asked).Distinct().Order().ToList();
                    return [.. counts.SelectMany(w => modelNames.Select(m => shared.Spec(parse, m, w)))];
                },
                results => [.. results.Select(r => r.Workers == 1 && !asked.Contains(1) ? r with { Baseline = true } : r)],
                withIsolation: true, cancellationToken);
        });
        return command;
    }
}
