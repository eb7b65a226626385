using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// memory-footprint: memory per worker of OS threads (the thread model) against processes in every way ProcessMesh
/// has them: grains (the process model as it is), emulated .NET and CPython processes (their calibrated footprint
/// held), and beside them the real thing: .NET worker processes (<c>--model os</c>) and idle python3 processes. Each
/// is judged on the claim; the scenario's verdict is the emulated processes', and a row says whether each agrees
/// with the real processes of its kind.
/// </summary>
internal sealed class MemoryFootprintScenario : IScenario
{
    /// <summary>Threads parked at once: enough that their memory is well above a single reading's noise.</summary>
    private const int Threads = 200;

    /// <summary>Grains activated at once.</summary>
    private const int Grains = 300;

    /// <summary>Emulated and real processes of each kind.</summary>
    private const int ProcessCount = 2;

    /// <summary>"Costs more": a process at least twice a thread.</summary>
    public const double MoreThan = 2;

    public string Name => "memory-footprint";

    public string Claim => "A process costs more memory than a thread.";

    public int Order => 1;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var profiles = AsProcess.Profiles(context);
        List<RunSpec> specs = [Idle(Models.Thread, Threads), .. profiles.Select(p => AsProcess.Emulated(Idle(Models.Process, p == Emulation.Grain ? Grains : ProcessCount), p)), AsProcess.Real(Idle(Models.Os, ProcessCount))];
        var repeats = await context.RunRepeatsAsync(specs, cancellationToken);
        var threads = repeats[0];
        var threadMemory = Memory(threads);
        List<IReadOnlyList<string>> rows =
        [
            ["OS thread (model: thread)", Cells.Count(Threads), Cells.Size(threadMemory), "", "RSS growth", ""],
        ];
        var runs = new List<RunResult> { ExperimentRunner.Summarise(threads) };
        var emulated = new Dictionary<string, Verdict>();
        for (var i = 0; i < profiles.Count; i++)
        {
            var profile = profiles[i];
            var memory = Memory(repeats[i + 1]);
            var judged = Judge(memory, threadMemory);
            emulated[profile] = judged;
            var record = ExperimentRunner.Summarise(repeats[i + 1]);
            runs.Add(record);
            rows.Add([$"{AsProcess.Label(profile)} (model: process)", Cells.Count(record.Workers), Cells.Size(memory), "",
                      profile == Emulation.Grain ? "heap growth" : "growth, footprint held", Noise.Describe(judged)]);
        }

        var real = new Dictionary<string, Verdict>();
        var notes = new List<string>();
        var os = repeats[^1];
        var osRecord = ExperimentRunner.Summarise(os);
        runs.Add(osRecord);
        var osMemory = Memory(os);
        real[Emulation.DotNet] = Judge(osMemory, threadMemory);
        var pss = os.All(r => r.PssPerWorkerBytes is > 0) ? Sample.Of(os.Select(r => (double)r.PssPerWorkerBytes!.Value)) : (Sample?)null;
        rows.Add(["real dotnet process (model: os)", Cells.Count(ProcessCount), Cells.Size(osMemory), pss is { } p ? Cells.Size(p) : "", "VmRSS, Pss", Noise.Describe(real[Emulation.DotNet])]);

        if (context.Python is { } python)
        {
            context.Progress.Begin($"{ProcessCount} idle python3 processes, {context.Repeats} times");
            try
            {
                var rss = new List<double>();
                var pssPy = new List<double>();
                for (var i = 0; i < context.Repeats; i++)
                {
                    var resident = await python.MeasureIdleAsync(ProcessCount, cancellationToken);
                    rss.Add(resident.Average(r => (double)r.RssBytes));
                    if (resident.All(r => r.PssBytes is not null))
                    {
                        pssPy.Add(resident.Average(r => (double)r.PssBytes!.Value));
                    }
                }

                var rssPy = Sample.Of(rss);
                real[Emulation.Python] = Judge(rssPy, threadMemory);
                rows.Add(["real python3 process (idle)", Cells.Count(ProcessCount), Cells.Size(rssPy), pssPy.Count == rss.Count ? Cells.Size(Sample.Of(pssPy)) : "", "VmRSS, Pss", Noise.Describe(real[Emulation.Python])]);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
            {
                notes.Add($"could not measure idle python3 processes: {e.Message}");
            }
            finally
            {
                context.Progress.End();
            }
        }
        else
        {
            notes.Add("python3 is not on PATH: no CPython process emulated or measured");
        }

        foreach (var profile in profiles.Where(p => p != Emulation.Grain))
        {
            rows.Add([$"emulated {profile} against real {profile}", "", "", "", "verdicts agree?", Verdicts.Agrees(emulated[profile], real.TryGetValue(profile, out var r) ? r : null)]);
        }

        notes.Add("memory per worker: a parked thread's resident-set growth, a started grain's heap growth, an emulated process's growth holding its calibrated footprint; a real process's VmRSS (/proc/PID/status) and Pss (/proc/PID/smaps_rollup)");
        if (runs.FirstOrDefault(r => r.Calibration is not null)?.Calibration is { } calibration)
        {
            notes.Add($"emulated processes hold the footprint calibrated on {calibration.Machine}, {calibration.MeasuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC (residentBytesPerExtra: the Pss each extra process adds with 64 running)");
        }

        var (verdict, reason) = Judge(emulated, real, threadMemory);
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence($"memory per worker, measured ({context.Repeats} repeats; band: see docs/scenarios.md)", ["worker", "count", "memory / worker (band)", "Pss (band)", "measured as", $"≥ {MoreThan}× thread"], rows),
            runs, notes);
    }

    /// <summary>The claim for one kind of process worker: its memory at least <see cref="MoreThan"/> times a thread's, beyond noise.</summary>
    public static Verdict Judge(Sample process, Sample thread) =>
        thread.Median <= 0 ? Verdict.Inconclusive : Noise.AtLeast(Noise.Ratio(process, thread), MoreThan);

    /// <summary>
    /// The scenario's verdict: the emulated processes' (every profile but grain: all must hold), with the grain's
    /// and the agreement with the real processes in the reason.
    /// </summary>
    public static (Verdict Verdict, string Reason) Judge(IReadOnlyDictionary<string, Verdict> emulated, IReadOnlyDictionary<string, Verdict> real, Sample thread)
    {
        var processes = emulated.Where(e => e.Key != Emulation.Grain).ToList();
        var verdict = processes.Count == 0 ? Verdict.Inconclusive : Verdicts.All([.. processes.Select(e => e.Value)]);
        var parts = processes.Select(e => $"emulated {e.Key}: {Noise.Describe(e.Value)} (real: {(real.TryGetValue(e.Key, out var r) ? Noise.Describe(r) : "not measured")}; {Verdicts.Agrees(e.Value, real.TryGetValue(e.Key, out var r2) ? r2 : null)})");
        var grain = emulated.TryGetValue(Emulation.Grain, out var g) ? $"; a grain: {Noise.Describe(g)} (a grain is not an OS process: it is lighter than a thread)" : "";
        return (verdict, $"against an OS thread's {Bytes.Format(thread.Median)}, {string.Join("; ", parts)}{grain}");
    }

    private static Sample Memory(IReadOnlyList<RunResult> runs) => Sample.Of(runs.Select(r => (double)r.MemoryPerWorkerBytes));

    private static RunSpec Idle(string model, int workers) => new() { Model = model, Workload = Workload.Cpu, Workers = workers, Work = workers, Granularity = 1 };
}
