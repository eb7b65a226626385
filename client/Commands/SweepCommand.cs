using System.CommandLine;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh sweep</c>: every combination of the list-valued dimensions, for every model.</summary>
internal static class SweepCommand
{
    private const string Load = "load";

    public static Command Create()
    {
        var common = new CommonOptions();
        var workload = new Option<string>("--workload")
        {
            Description = $"load (a population of grains under closed-loop load; the default) or a workload: {string.Join(", ", WorkloadCatalog.Names)}.",
            HelpName = $"load|{string.Join('|', WorkloadCatalog.Names)}",
            DefaultValueFactory = _ => Load,
            CustomParser = r => OptionParsing.OneOf(r, "--workload", [Load, .. WorkloadCatalog.Names]),
        };
        var grains = ListOption("--grains", "load: population sizes. Default: 1,10,100,1000,10000,100000.", [1, 10, 100, 1_000, 10_000, 100_000], RunSpec.MaxProcessWorkers);
        var workers = ListOption("--workers", "load: closed-loop callers (process) or threads (thread models); workloads: workers. Default: load 8; workloads 1,2,4.", [], RunSpec.MaxProcessWorkers);
        var granularity = ListOption("--granularity", "workloads: work units per message. Default: the workload's.", [0], 1_000_000_000);
        var payload = new Option<long[]>("--payload")
        {
            Description = "Payload bytes per message, comma-separated (0,1KiB,64KiB).",
            HelpName = "S1,S2",
            DefaultValueFactory = _ => [0],
            CustomParser = r => OptionParsing.Items(r).Select(s => OptionParsing.Size(r, "--payload", s, 64L << 20)).ToArray(),
        };
        var models = new Option<string[]>("--models")
        {
            Description = $"Models, comma-separated. Default: {string.Join(",", Models.All)}.",
            HelpName = "M1,M2",
            DefaultValueFactory = _ => [.. Models.All],
            CustomParser = r => OptionParsing.Items(r).Select(m => OptionParsing.ParseModel(r, "--models", m)).OfType<string>().Distinct().ToArray(),
        };
        var memory = new Option<long>("--memory")
        {
            Description = "Private memory per grain (load) or per process (workloads). Default: 0.",
            CustomParser = r => OptionParsing.Size(r, "--memory", r.Tokens.Single().Value, Array.MaxLength),
        };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "load: length of each measured drive.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = r => OptionParsing.Duration(r, "--duration", r.Tokens.Single().Value, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
        };
        var repeats = OptionParsing.Repeats();
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
            largest population (Orleans sizes its tables then, once). Between points the grains are deactivated and
            the silo's heap is measured again. A point that is refused or fails is reported; the sweep goes on.

            Examples:
              processmesh sweep --out results
              processmesh sweep --grains 1000,100000,1000000 --workers 8,32 --models process --duration 3s
              processmesh sweep --workload pingpong --workers 2,4,8 --payload 0,1KiB,64KiB --out pingpong
            """);
        Option[] options = [workload, grains, workers, granularity, payload, models, memory, duration, repeats, warmup, outDir];
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        common.AddTo(command, withOutFile: false);
        command.SetAction((parse, cancellationToken) =>
        {
            var experiment = new Experiment(parse.GetValue(repeats), parse.GetValue(warmup));
            var isLoad = parse.GetValue(workload) == Load;
            var workerCounts = parse.GetValue(workers)! is { Length: > 0 } w ? w : isLoad ? [8] : [1, 2, 4];
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
                            points.AddRange(parse.GetValue(granularity)!.Select(gran => new SweepPoint(model, count, null, new RunSpec
                            {
                                Model = model,
                                Workload = new Workload(parse.GetValue(workload)!),
                                Workers = count,
                                PayloadBytes = (int)bytes,
                                MemoryBytes = parse.GetValue(memory),
                                Granularity = gran,
                            })));
                        }
                    }
                }
            }

            // Thread models cannot have more threads than the limit; a too-large point is refused up front.
            foreach (var p in points)
            {
                var spec = p.Run ?? new RunSpec { Model = p.Model, Workers = p.Workers };
                if (SharedOptions.Check(spec, embedded: false, "--workers") is { } problem)
                {
                    return Task.FromResult(Execution.Fail(problem, Execution.BadInput));
                }
            }

            // Points sorted so each model's population grows: the knee shows as the sweep goes.
            points = [.. points.OrderBy(p => Models.All.ToList().IndexOf(p.Model)).ThenBy(p => p.Workers).ThenBy(p => p.Load?.Grains ?? 0)];
            var steps = points.Select(p => p.Model).Distinct().Count() + points.Sum(p => p.Load is null ? experiment.StepsPerSpec : 1);
            return Execution.WithClusterAsync(parse, common, async connection =>
            {
                var measured = await ProgressReporter.RunAsync(
                    $"sweep of {points.Count} points on {connection.Description}",
                    steps,
                    parse.GetValue(common.Quiet),
                    p => new SweepRunner(connection.Grains, experiment).RunAsync(points, p, cancellationToken));
                var report = new Report(measured.Results, null, measured.Failures.Count > 0 ? measured.Failures : null, Heap: measured.Heap);
                if (parse.GetValue(outDir) is { } dir)
                {
                    var charts = ReportFolder.Write(dir, report);
                    await Console.Error.WriteLineAsync($"processmesh: wrote {ReportFolder.JsonFile}, {ReportFolder.CsvFile} and {charts.Count} charts (PNG and SVG) into {dir.FullName}");
                }

                return report;
            }, cancellationToken);
        });
        return command;
    }

    private static Option<int[]> ListOption(string name, string description, int[] defaults, long max) => new(name)
    {
        Description = description,
        HelpName = "N1,N2",
        DefaultValueFactory = _ => defaults,
        CustomParser = r => OptionParsing.Items(r).Select(v => (int)OptionParsing.Whole(r, name, v, name == "--granularity" ? 0 : 1, max)).ToArray(),
    };
}
