using System.CommandLine;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh compare</c>: every model at each worker count, side by side, with the cost of isolation.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var models = new Option<string[]>("--models")
        {
            Description = $"Models to compare, comma-separated. Default: {string.Join(",", Models.All)}.",
            HelpName = "M1,M2",
            DefaultValueFactory = _ => [.. Models.All],
            CustomParser = r => OptionParsing.Items(r).Select(m => OptionParsing.ParseModel(r, "--models", m)).OfType<string>().Distinct().ToArray(),
        };
        var workers = new Option<int[]>("--workers", "-w")
        {
            Description = "Worker counts, comma-separated. A one-worker run is always made: speedup is measured against it.",
            HelpName = "N1,N2",
            DefaultValueFactory = _ => [1, 2, 4],
            CustomParser = r => OptionParsing.Items(r).Select(w => (int)OptionParsing.Whole(r, "--workers", w, 1, RunSpec.MaxProcessWorkers)).ToArray(),
        };

        var command = new Command("compare", """
            Run one workload in every model at each worker count, and print one table with speedups and the cost
            of isolation (extra time per message, extra memory per worker of process against thread).

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
            var counts = parse.GetValue(workers)!.Append(1).Distinct().Order().ToList();
            var specs = counts.SelectMany(w => parse.GetValue(models)!.Select(m => shared.Spec(parse, m, w))).ToList();
            return Execution.MeasureAsync(parse, shared, "--workers", specs, results => results, withIsolation: true, cancellationToken);
        });
        return command;
    }
}
