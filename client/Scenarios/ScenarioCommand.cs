using System.CommandLine;
using System.Diagnostics;
using ProcessMesh.Cli.Commands;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary><c>processmesh scenario list|run</c>: the classic claims, each an experiment with evidence and a verdict.</summary>
internal static class ScenarioCommand
{
    public static Command Create()
    {
        var command = new Command("scenario", """
            The classic claims about processes, threads and the interpreter lock, each one an experiment that runs on
            this machine (or the cluster named) and prints its evidence and a verdict: holds, does not hold, or
            inconclusive when the spread over repeats is too wide for the claim.

            Examples:
              processmesh scenario list
              processmesh scenario run gil-cpu
              processmesh scenario run all --out scenarios
            """);
        command.Subcommands.Add(List());
        command.Subcommands.Add(Run());
        return command;
    }

    private static Command List()
    {
        var format = OptionParsing.Enum("--format", "How to print the list.", OutputFormat.Table);
        var command = new Command("list", "List the scenarios and the claim each one tests.");
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            ScenarioOutput.WriteList(ScenarioCatalog.All, parse.GetValue(format), Console.Out);
            return Execution.Ok;
        });
        return command;
    }

    private static Command Run()
    {
        var common = new CommonOptions();
        var name = new Argument<string>("NAME") { Description = $"A scenario ({string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}) or 'all'." };
        var outDir = new Option<DirectoryInfo?>("--out")
        {
            Description = $"Also write DIR/{ScenarioOutput.JsonFile} (every record and verdict), the charts (PNG and SVG) and DIR/{ScenarioOutput.HtmlFile}.",
            HelpName = "DIR",
        };
        // Seven: the fewest from which the noise rule sets one repeat aside at each end, so one outlier cannot open a band.
        var repeats = OptionParsing.Repeats(byDefault: 7);
        var command = new Command("run", """
            Run one scenario, or all of them, and print each claim's evidence and verdict. Every figure is measured
            --repeats times after a warm-up, each run sized to last at least 0.2 s; a verdict rests on the band of
            the repeats (their range with the most extreme set aside: one at each end from 7), not on one reading.
            memory-footprint, ipc-cost and granularity answer for processes as a grain, as emulated .NET and CPython
            processes (from this machine's calibration, or --calibration FILE) and beside real ones (--model os).
            With python3 on PATH, gil-cpu, gil-io, gil-native, races and ipc-cost also run the same experiment in CPython.

            Examples:
              processmesh scenario run races
              processmesh scenario run all --out scenarios
              processmesh scenario run scale-out --gateway 127.0.0.1:30000
            """);
        command.Arguments.Add(name);
        command.Options.Add(outDir);
        command.Options.Add(repeats);
        common.AddTo(command, withOutFile: false);
        common.AddCalibrationTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var scenarios = ScenarioCatalog.Select(parse.GetValue(name)!);
            if (scenarios is null)
            {
                return Task.FromResult(Execution.Fail(
                    $"NAME: no scenario '{parse.GetValue(name)}' (choose all, {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))})", Execution.BadInput));
            }

            var dir = parse.GetValue(outDir);
            if (dir is not null && ScenarioOutput.CheckWritable(dir) is { } problem)
            {
                return Task.FromResult(Execution.Fail($"--out: {problem}", Execution.BadInput));
            }

            var format = parse.GetValue(common.Format);
            if (format == OutputFormat.Csv)
            {
                return Task.FromResult(Execution.Fail("--format: scenarios print as table or json (csv holds one record shape; use --out DIR for the records)", Execution.BadInput));
            }

            return Execution.WithConnectionAsync(parse, common, async connection => await
                RunAsync(connection.Grains, await connection.CatalogAsync(cancellationToken), connection.Description, scenarios, parse.GetValue(repeats), parse.GetValue(common.CalibrationFile), format, dir, parse.GetValue(common.Quiet), cancellationToken), cancellationToken);
        });
        return command;
    }

    /// <summary>Runs the scenarios in order, printing each as it finishes (tables) or all at the end (JSON).</summary>
    private static async Task<int> RunAsync(IGrainFactory grains, ClusterCatalog catalog, string cluster, IReadOnlyList<IScenario> scenarios, int repeats, Calibration? calibration, OutputFormat format, DirectoryInfo? dir, bool quiet, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var loadBefore = ScenarioDocument.LoadAverage();
        var machine = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Describe();
        var (python, absent) = await PythonReference.FindAsync(grains);
        if (absent is not null && !quiet)
        {
            await Console.Error.WriteLineAsync($"processmesh: {absent}");
        }

        var context = new ScenarioContext(grains, catalog, machine, cluster, repeats, python, calibration);
        var results = new List<ScenarioResult>();
        var failed = 0;
        for (var i = 0; i < scenarios.Count; i++)
        {
            var scenario = scenarios[i];
            var started = Stopwatch.StartNew();
            ScenarioResult result;
            try
            {
                result = await ProgressReporter.RunAsync($"scenario {scenario.Name} ({i + 1}/{scenarios.Count}) on {cluster}", quiet, progress =>
                {
                    context.Progress = progress;
                    return scenario.RunAsync(context, cancellationToken);
                });
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
            {
                failed++;
                result = new ScenarioResult(scenario.Name, scenario.Claim, Verdict.Inconclusive, $"the experiment failed: {e.Message}", new Evidence("no evidence", [], []), []);
            }

            result = result with { Seconds = started.Elapsed.TotalSeconds };
            results.Add(result);
            if (format == OutputFormat.Table)
            {
                ScenarioOutput.WriteScenario(result, Console.Out);
            }
        }

        var document = new ScenarioDocument(machine, cluster, repeats, clock.Elapsed.TotalSeconds, results, loadBefore, ScenarioDocument.LoadAverage());
        if (format == OutputFormat.Json)
        {
            ScenarioOutput.WriteJson(document, Console.Out);
        }
        else
        {
            ScenarioOutput.WriteSummary(document, Console.Out);
        }

        if (dir is not null)
        {
            var page = ScenarioOutput.WriteFolder(dir, document);
            if (!quiet)
            {
                await Console.Error.WriteLineAsync($"processmesh: wrote {Path.Combine(dir.FullName, ScenarioOutput.JsonFile)}, the charts and {page}");
            }
        }

        return failed > 0 ? Execution.RunFailed : Execution.Ok;
    }
}
