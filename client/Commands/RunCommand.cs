using System.CommandLine;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh run</c>: one model, one workload, one worker count.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var model = OptionParsing.Defaulted(new Option<string>("--model", "-m")
        {
            Description = $"The concurrency model: {string.Join(", ", BuiltIn.Models)} (the cluster lists what it runs: processmesh cluster catalog).",
            HelpName = "NAME",
            CustomParser = r => OptionParsing.ParseModel(r, "--model", r.Tokens.Single().Value) ?? Models.Process,
        }, Models.Process, Models.Process);
        model.CompletionSources.Add([.. BuiltIn.Models]);
        var workers = OptionParsing.Defaulted(new Option<int>("--workers", "-w")
        {
            Description = "Workers: processes (grains) or threads.",
            HelpName = "N",
            CustomParser = r => (int)OptionParsing.Whole(r, "--workers", r.Tokens.Single().Value, 1, RunSpec.MaxProcessWorkers),
        }, 1, "1");
        var noBaseline = new Option<bool>("--no-baseline")
        {
            Description = "Skip the one-worker run that speedup and efficiency are measured against.",
        };

        var command = new Command("run", """
            Run one workload in one model and print its result record.

            Examples:
              processmesh run --model thread --workload counter --workers 4 --sync none
              processmesh run --model gil --workload cpu --workers 2 --format json
              processmesh run --model process --workload pingpong --workers 8 --payload 1KiB --gateway 127.0.0.1:30000
            """);
        command.Options.Add(model);
        command.Options.Add(workers);
        command.Options.Add(noBaseline);
        shared.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = shared.Spec(parse, parse.GetValue(model)!, parse.GetValue(workers));
            return Execution.MeasureAsync(
                parse, shared, "--model", "--workers", [spec.Model],
                catalog =>
                {
                    // Speedup needs a one-worker run, except where there is no speedup (pingpong, ring).
                    var withBaseline = spec.Workers > 1 && !parse.GetValue(noBaseline) && Speedup.WhyNone(catalog.Workload(spec.Workload.Name)) is null;
                    return withBaseline ? [spec with { Workers = 1 }, spec] : [spec];
                },
                results => results.Any(r => r.Workers == spec.Workers) ? results.Where(r => r.Workers == spec.Workers).ToList() : results,
                withIsolation: false,
                cancellationToken);
        });
        return command;
    }
}
