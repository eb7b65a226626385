using System.CommandLine;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh run</c>: one model, one workload, one worker count.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var model = new Option<string>("--model", "-m")
        {
            Description = $"The concurrency model. One of: {string.Join(", ", Models.Known)}.",
            HelpName = string.Join('|', Models.Known),
            DefaultValueFactory = _ => Models.Process,
            CustomParser = r => OptionParsing.ParseModel(r, "--model", r.Tokens.Single().Value) ?? Models.Process,
        };
        model.CompletionSources.Add([.. Models.Known]);
        var workers = new Option<int>("--workers", "-w")
        {
            Description = "Workers: processes (grains) or threads.",
            DefaultValueFactory = _ => 1,
            CustomParser = r => (int)OptionParsing.Whole(r, "--workers", r.Tokens.Single().Value, 1, RunSpec.MaxProcessWorkers),
        };
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
            var withBaseline = spec.Workers > 1 && !parse.GetValue(noBaseline);
            RunSpec[] specs = withBaseline ? [spec with { Workers = 1 }, spec] : [spec];
            return Execution.MeasureAsync(parse, shared, "--workers", specs, results => results.Where(r => r.Workers == spec.Workers).ToList(), withIsolation: false, cancellationToken);
        });
        return command;
    }
}
