using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// memory-footprint: memory per worker of OS threads (the thread model), of grains (the process model), and of
/// real idle OS processes of two runtimes (python3, dotnet), and a grain given a real process's weight with
/// <c>--memory</c>. The verdict is about real OS processes against OS threads; the grains are the model's own
/// figure, shown beside it.
/// </summary>
internal sealed class MemoryFootprintScenario : IScenario
{
    /// <summary>Threads parked at once: enough that their memory is well above a single reading's noise.</summary>
    private const int Threads = 200;

    /// <summary>Grains activated at once.</summary>
    private const int Grains = 300;

    /// <summary>Real processes of each runtime.</summary>
    private const int OsProcessCount = 4;

    /// <summary>Workers of the --memory demonstration.</summary>
    private const int HeavyGrains = 8;

    /// <summary>"Costs more": a process at least twice a thread.</summary>
    public const double MoreThan = 2;

    public string Name => "memory-footprint";

    public string Claim => "A process costs more memory than a thread.";

    public int Order => 1;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var repeats = await context.RunRepeatsAsync([Idle(Models.Thread, Threads), Idle(Models.Process, Grains)], cancellationToken);
        var (threads, grains) = (repeats[0], repeats[1]);
        var threadMemory = Sample.Of(threads.Select(r => (double)r.MemoryPerWorkerBytes));
        var grainMemory = Sample.Of(grains.Select(r => (double)r.MemoryPerWorkerBytes));
        List<IReadOnlyList<string>> rows =
        [
            ["OS thread (model: thread)", Cells.Count(Threads), Cells.Size(threadMemory), "", "resident-set growth / parked thread"],
            ["grain (model: process)", Cells.Count(Grains), Cells.Size(grainMemory), "", "heap growth / started grain"],
        ];
        var notes = new List<string>();
        var real = new List<(string Name, Sample Rss)>();
        foreach (var runtime in new[] { OsProcesses.Python(context.Python), OsProcesses.DotNet() })
        {
            context.Progress.Begin($"{OsProcessCount} idle {runtime?.Name ?? "python3"} processes");
            try
            {
                if (runtime is null)
                {
                    notes.Add("python3 is not on PATH: no CPython process measured");
                    continue;
                }

                var resident = await OsProcesses.MeasureAsync(runtime, OsProcessCount, cancellationToken);
                var rss = Sample.Of(resident.Select(r => (double)r.RssBytes));
                var pss = resident.All(r => r.PssBytes is not null) ? Sample.Of(resident.Select(r => (double)r.PssBytes!.Value)) : (Sample?)null;
                real.Add((runtime.Name, rss));
                rows.Add([$"{runtime.Name} process (real, idle)", Cells.Count(OsProcessCount), Cells.Size(rss), pss is { } p ? Cells.Size(p) : "", "VmRSS (and Pss) from /proc"]);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
            {
                notes.Add($"could not measure idle {runtime!.Name} processes: {e.Message}");
            }
            finally
            {
                context.Progress.End();
            }
        }

        var runs = new List<RunResult> { Median(threads), Median(grains) };
        if (real.Count > 0)
        {
            // A grain that carries a real process's weight: --memory as large as the first runtime's resident set.
            var weight = (long)Math.Ceiling(real[0].Rss.Median / (1 << 20)) << 20;
            var heavy = await context.MeasureAsync(Idle(Models.Process, HeavyGrains) with { MemoryBytes = weight }, cancellationToken);
            runs.Add(heavy);
            rows.Add([$"grain, --memory {Bytes.Format(weight)}", Cells.Count(HeavyGrains), Bytes.Format(heavy.MemoryPerWorkerBytes), "", $"as heavy as a {real[0].Name} process"]);
        }

        var (verdict, reason) = Judge(real.FirstOrDefault(), threadMemory, grainMemory);
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence("memory per worker, measured", ["worker", "count", "memory / worker (range)", "Pss (range)", "measured as"], rows),
            runs, notes);
    }

    /// <summary>
    /// The claim on measured figures: a real OS process's resident set against an OS thread's. The grain's figure
    /// is reported beside it, not judged: a grain is the model's process, and it is lighter than a thread.
    /// </summary>
    public static (Verdict Verdict, string Reason) Judge((string Name, Sample Rss) process, Sample thread, Sample grain)
    {
        var model = $"in the model a grain costs {Bytes.Format(grain.Median)} against a thread's {Bytes.Format(thread.Median)} (lighter: the model's process is not an OS process)";
        if (process.Name is null)
        {
            return (Verdict.Inconclusive, $"no real OS process could be measured here; {model}");
        }

        if (thread.Median <= 0)
        {
            return (Verdict.Inconclusive, $"a parked thread's memory was below the resolution of the resident-set reading; {model}");
        }

        var ratio = Noise.Ratio(process.Rss, thread);
        return (Noise.AtLeast(ratio, MoreThan),
            $"the verdict is about real OS processes: an idle {process.Name} process holds {Bytes.Format(process.Rss.Median)} resident, " +
            $"{ratio.Median:N0}× an OS thread's {Bytes.Format(thread.Median)} (claim: ≥ {MoreThan}×); {model}");
    }

    private static RunSpec Idle(string model, int workers) => new() { Model = model, Workload = Workload.Cpu, Workers = workers, Work = workers, Granularity = 1 };

    private static RunResult Median(IReadOnlyList<RunResult> runs) => runs.OrderBy(r => r.MemoryPerWorkerBytes).ElementAt(runs.Count / 2);
}
