using System.CommandLine;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh sweep</c>: every combination of the list-valued dimensions, for every model.</summary>
internal static class SweepCommand
{
    private const string Load = "load";

    public static Command Create()
    {
        var common = new CommonOptions();
        var workload = OptionParsing.Defaulted(new Option<string>("--workload")
        {
            Description = $"load: a population of grains under closed-loop load; or one of the workloads: {string.Join(", ", BuiltIn.Workloads)} (the cluster lists what it runs: processmesh cluster catalog).",
            HelpName = "load|NAME",
            CustomParser = r => OptionParsing.Name(r, "--workload"),
        }, Load, Load);
        var grains = ListOption("--grains", "load: population sizes.", [1, 10, 100, 1_000, 10_000, 100_000], RunSpec.MaxProcessWorkers);
        var workers = ListOption("--workers", "load: closed-loop callers (process) or threads (thread models); workloads: workers. Default: 8 for load, 1,2,4 for a workload.", null, RunSpec.MaxProcessWorkers);
        var work = new Option<long>("--work")
        {
            Description = "workloads: total work units of each point. Default: the workload's.",
            HelpName = "N",
            CustomParser = r => OptionParsing.Whole(r, "--work", r.Tokens.Single().Value, 1, 1_000_000_000_000),
        };
        var granularity = ListOption("--granularity", "workloads: work units per message. Default: the workload's.", null, 1_000_000_000);
        var payload = OptionParsing.Defaulted(new Option<long[]>("--payload")
        {
            Description = "Payload bytes per message, comma-separated (0,1KiB,64KiB).",
            HelpName = "S1,S2",
            CustomParser = r => OptionParsing.Items(r, "--payload").Select(s => OptionParsing.Size(r, "--payload", s, 64L << 20)).ToArray(),
        }, [0], "0");
        var models = OptionParsing.Defaulted(new Option<string[]>("--models")
        {
            Description = $"Models, comma-separated: any of {string.Join(", ", BuiltIn.Models)} (the cluster lists what it runs: processmesh cluster catalog).",
            HelpName = "M1,M2",
            CustomParser = r => OptionParsing.Items(r, "--models").Select(m => OptionParsing.ParseModel(r, "--models", m)).OfType<string>().Distinct().ToArray(),
        }, [.. Models.All], string.Join(",", Models.All));
        var memory = OptionParsing.Defaulted(new Option<long>("--memory")
        {
            Description = "Private memory per grain (load) or per process (workloads).",
            HelpName = "SIZE",
            CustomParser = r => OptionParsing.Size(r, "--memory", r.Tokens.Single().Value, Array.MaxLength),
        }, 0, "0");
        var duration = OptionParsing.Defaulted(new Option<TimeSpan>("--duration")
        {
            Description = "load: length of each measured drive.",
            HelpName = "TIME",
            CustomParser = r => OptionParsing.Duration(r, "--duration", r.Tokens.Single().Value, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
        }, TimeSpan.FromSeconds(1), "1s");
        // Five, not run's three: a sweep is what 'report --baseline' compares, and two identical sweeps' bands of 3
        // repeats miss each other by chance 1 time in 10 per figure (2 of a default sweep's 18 points), of 5 repeats
        // 1 in 126 (docs/scenarios.md, "How often it is wrong when nothing changed").
        var repeats = OptionParsing.Repeats(byDefault: 5);
        var warmup = OptionParsing.Warmup();
        var outDir = new Option<DirectoryInfo?>("--out", "-o")
        {
            Description = "Write results.json, results.csv and charts (PNG and SVG) into DIR; 'processmesh report DIR' renders them again.",
            HelpName = "DIR",
        };

        var command = new Command("sweep", """
            Measure every combination of the list-valued dimensions for every model, one row per point: how many
            grains a silo holds, how fast they activate, what latency they give under load, where the knee is,
            and how the same work does in threads sharing memory. A warm-up first runs each model once at the
            largest population (Orleans sizes its tables then, once). Load points are measured in --repeats passes,
            each pass running every point once (warm-ups, one drive), so a change in the machine's load during the
            sweep widens every point's band alike rather than moving the points that ran then. Between points the
            grains are deactivated and the silo's heap is measured again. A point that is refused or fails is
            reported; the sweep goes on.

            Examples:
              processmesh sweep --out results
              processmesh sweep --grains 1000,100000,1000000 --workers 8,32 --models process --duration 3s
              processmesh sweep --workload pingpong --workers 2,4,8 --payload 0,1KiB,64KiB --out pingpong
            """);
        var onLoss = OptionParsing.Defaulted(new Option<string>("--on-loss")
        {
            Description = "When a point's run is lost (a silo it needed left the cluster): continue with the next point, or stop the sweep. Either way the points measured so far are reported.",
            HelpName = "continue|stop",
            CustomParser = r => OptionParsing.OneOf(r, "--on-loss", ["continue", "stop"]),
        }, "continue", "continue");
        var thresholds = Threshold.Option();
        Option[] options = [workload, grains, workers, work, granularity, payload, models, memory, duration, repeats, warmup, outDir, onLoss, thresholds];
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        common.AddTo(command, withOutFile: false);
        common.AddCalibrationTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(outDir) is { } target && OutputTarget.CheckFolder(target) is { } unwritable)
            {
                return Task.FromResult(Execution.Fail(unwritable, Execution.BadInput));
            }

            var experiment = new Experiment(parse.GetValue(repeats), parse.GetValue(warmup));
            var isLoad = parse.GetValue(workload) == Load;
            var workerCounts = parse.GetValue(workers) is { Length: > 0 } w ? w : isLoad ? [8] : [1, 2, 4];
            var granularities = parse.GetValue(granularity) is { Length: > 0 } g ? g.Select(x => (long)x).ToArray() : [0L];
            List<SweepPoint> points = [];
            foreach (var model in parse.GetValue(models)!)
            {
                foreach (var count in workerCounts)
                {
                    foreach (var bytes in parse.GetValue(payload)!)
                    {
                        if (isLoad)
                        {
                            points.AddRange(parse.GetValue(grains)!.Select(g => new SweepPoint(model, count, new LoadSpec
                            {
                                Grains = g,
                                MemoryBytes = parse.GetValue(memory),
                                PayloadBytes = (int)bytes,
                                Duration = parse.GetValue(duration),
                                Warmups = experiment.Warmup,
                                Repeats = experiment.Repeats,
                            }, null)));
                        }
                        else
                        {
                            points.AddRange(granularities.Select(gran => new SweepPoint(model, count, null, new RunSpec
                            {
                                Model = model,
                                Workload = new Workload(parse.GetValue(workload)!),
                                Workers = count,
                                PayloadBytes = (int)bytes,
                                MemoryBytes = parse.GetValue(memory),
                                Work = parse.GetValue(work),
                                Granularity = gran,
                                Calibration = parse.GetValue(common.CalibrationFile),
                            })));
                        }
                    }
                }
            }

            return Execution.WithClusterAsync(parse, common, async connection =>
            {
                // Models and workload as the cluster runs them; thread models cannot have more threads than their
                // bound: a too-large point is refused up front.
                var catalog = await connection.CatalogAsync(cancellationToken);
                CatalogCheck.Require(CatalogCheck.Models(catalog, "--models", parse.GetValue(models)!) ?? CatalogCheck.Workload(catalog, "--workload", parse.GetValue(workload)!, Load));
                foreach (var p in points)
                {
                    CatalogCheck.Require(CatalogCheck.Workers(catalog.Model(p.Model)!, p.Run ?? new RunSpec { Model = p.Model, Workers = p.Workers }, "--workers"));
                }

                // Points sorted so each model's population grows: the knee shows as the sweep goes.
                points = [.. points
                    .Select(p => p with { LoadWorkers = catalog.Model(p.Model)!.LoadWorkers })
                    .OrderBy(p => catalog.ModelNames.ToList().IndexOf(p.Model)).ThenBy(p => p.Workers).ThenBy(p => p.Load?.Grains ?? 0)];
                var measured = await ProgressReporter.RunAsync(
                    $"sweep of {points.Count} points on {connection.Description}",
                    parse.GetValue(common.Quiet),
                    p => new SweepRunner(connection.Grains, catalog, experiment, connection.Watch, parse.GetValue(onLoss) == "stop").RunAsync(points, p, cancellationToken));
                string[] failures = [.. measured.Failures, .. Threshold.Breaches(parse.GetValue(thresholds) ?? [], measured.Results), .. Interruption.Line(measured.Interrupted, measured.Results.Count)];
                var report = new Report(measured.Results, null, failures.Length > 0 ? failures : null, Heap: measured.Heap);
                if (parse.GetValue(outDir) is { } dir)
                {
                    IReadOnlyList<Charts.Chart> charts = [];
                    if (OutputTarget.TryWrite(dir.FullName, () => charts = ReportFolder.Write(dir, report), () => ResultFormats.For(OutputFormat.Json).Write(report, Console.Out)))
                    {
                        await Console.Error.WriteLineAsync($"processmesh: wrote {ReportFolder.JsonFile}, {ReportFolder.CsvFile} and {charts.Count} charts (PNG and SVG) into {dir.FullName}");
                    }
                    else
                    {
                        report = report with { Failures = [.. report.Failures ?? [], $"--out: {dir.FullName} was not written"] };
                    }
                }

                return report;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>A list of whole numbers; with <paramref name="defaults"/> null, its default is described in its text (it depends on others).</summary>
    private static Option<int[]> ListOption(string name, string description, int[]? defaults, long max)
    {
        var option = new Option<int[]>(name)
        {
            Description = description,
            HelpName = "N1,N2",
            CustomParser = r => OptionParsing.Items(r, name).Select(v => (int)OptionParsing.Whole(r, name, v, 1, max)).ToArray(),
        };
        return defaults is null ? option : OptionParsing.Defaulted(option, defaults, string.Join(",", defaults));
    }
}
