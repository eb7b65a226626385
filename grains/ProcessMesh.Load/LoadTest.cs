using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Load;

/// <summary>
/// Activates a population of <see cref="ILoadGrain"/>s, drives calls at them (warm-ups, then measured drives of
/// the spec's duration), and tears them down. As it stands it drives from the process it runs in, through that
/// process's grain factory: the external path, the CLI's own callers calling through its gateway. The hosted path
/// (the grains' <c>LoadDriver</c>) runs the same test inside the coordinator and overrides <see cref="DriveAsync"/>
/// to spread each drive over the silos. Open-loop latencies are measured from each call's scheduled start, not its
/// actual one, so a stalled silo shows up in the percentiles instead of silently slowing the load (coordinated omission).
/// </summary>
/// <param name="grains">Calls the population.</param>
/// <param name="spec">The test.</param>
/// <param name="silo">The coordinator whose silo's heap and CPU are read.</param>
/// <param name="machine">The machine, for the record.</param>
public class LoadTest(IGrainFactory grains, LoadSpec spec, ICoordinatorGrain silo, MachineInfo machine)
{
    private const int ActivationParallelism = 1024;

    private string _phase = LoadProgress.Activating;
    private int _phaseNumber;
    private long _phaseStart = Stopwatch.GetTimestamp();
    private long _phaseDone;
    private Drive? _drive;
    private long _elsewhereCalls = -1;

    /// <summary>Calls the population.</summary>
    protected IGrainFactory Grains { get; } = grains;

    /// <summary>The test.</summary>
    protected LoadSpec Spec { get; } = spec;

    /// <summary>Called with a line about each phase (activating, each drive, cleaning up).</summary>
    public Action<string>? OnPhase { get; init; }

    /// <summary>How far the test has got; also reported twice a second to the <see cref="ILoadProgressGrain"/> keyed by the coordinator.</summary>
    public LoadProgress Progress => new()
    {
        Phase = _phase,
        Number = _phaseNumber,
        Done = _drive?.Calls ?? (Interlocked.Read(ref _elsewhereCalls) is >= 0 and var elsewhere ? elsewhere : Interlocked.Read(ref _phaseDone)),
        PhaseSeconds = Stopwatch.GetElapsedTime(_phaseStart).TotalSeconds,
    };

    /// <summary>Runs the test and returns its record: the median measured drive, with the spread.</summary>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var reporting = new CancellationTokenSource();
        var reporter = ReportProgressAsync(reporting.Token);
        try
        {
            return await RunTestAsync(cancellationToken);
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter;
        }
    }

    /// <summary>The key of grain <paramref name="index"/> of test <paramref name="runId"/>'s population.</summary>
    public static string Key(string runId, int index) => $"{runId}/{index}";

    /// <summary>
    /// One drive: here, by this process's own callers. <paramref name="drive"/> counts warm-ups and measured drives
    /// from 0; <paramref name="phase"/> and <paramref name="number"/> are what progress shows.
    /// </summary>
    protected virtual async Task<DriveFigures> DriveAsync(string runId, int drive, string phase, int number, ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken)
    {
        var running = new Drive(Spec);
        Phase(phase, number, running);
        // CPU only around the drive: a heap reading forces a full collection, which would count as the drive's.
        var cpuBefore = await silo.CpuSeconds();
        await running.RunAsync(population, payload, cancellationToken);
        running.CpuSeconds = await silo.CpuSeconds() - cpuBefore;
        return running.Figures;
    }

    /// <summary>Enters a phase; <paramref name="drive"/> when this process drives it, else its calls come from <see cref="CallsElsewhereAsync"/>.</summary>
    protected void Phase(string phase, int number, Drive? drive = null)
    {
        _drive = drive;
        Interlocked.Exchange(ref _elsewhereCalls, -1);
        Interlocked.Exchange(ref _phaseDone, 0);
        _phaseStart = Stopwatch.GetTimestamp();
        (_phase, _phaseNumber) = (phase, number);
    }

    /// <summary>Calls issued so far by a drive that runs elsewhere (for progress); null when none does.</summary>
    protected virtual Task<long?> CallsElsewhereAsync() => Task.FromResult<long?>(null);

    private async Task<RunResult> RunTestAsync(CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        var population = Enumerable.Range(0, Spec.Grains).Select(i => Grains.GetGrain<ILoadGrain>(Key(runId, i))).ToArray();
        var before = await silo.LiveHeapBytes();

        Phase(LoadProgress.Activating, 0);
        OnPhase?.Invoke($"activating {Spec.Grains:N0} grains");
        var activationStart = Stopwatch.GetTimestamp();
        await ForEachAsync(population, g => g.Activate(Spec.MemoryBytes), cancellationToken);
        var activationSeconds = Stopwatch.GetElapsedTime(activationStart).TotalSeconds;
        var activated = await silo.LiveHeapBytes();

        try
        {
            var payload = new byte[Spec.PayloadBytes];
            var drives = new List<DriveFigures>();
            for (var d = 0; d < Spec.Warmups + Spec.Repeats; d++)
            {
                var kind = d < Spec.Warmups ? $"warm-up {d + 1}/{Spec.Warmups}" : $"drive {d - Spec.Warmups + 1}/{Spec.Repeats}";
                OnPhase?.Invoke($"{kind}: {(Spec.IsOpen ? $"{Spec.Rate:N0} calls/s" : $"{Spec.Concurrency} callers")} for {Spec.Duration.TotalSeconds:0.#} s");
                var (phase, number) = d < Spec.Warmups ? (LoadProgress.WarmUp, d + 1) : (LoadProgress.Drive, d - Spec.Warmups + 1);
                var figures = await DriveAsync(runId, d, phase, number, population, payload, cancellationToken);
                if (d >= Spec.Warmups)
                {
                    drives.Add(figures);
                }
            }

            var perGrain = Math.Max(0, (activated - before) / Spec.Grains);
            var record = LoadRecord.From(
                Models.Process, Spec, Spec.Grains, Spec.IsOpen ? null : Spec.Concurrency, machine, drives, activationSeconds, perGrain, before);
            return record with { Messages = 2 * record.Completed!.Value, PayloadBytes = 2 * record.Completed.Value * Spec.PayloadBytes };
        }
        finally
        {
            Phase(LoadProgress.Deactivating, 0);
            OnPhase?.Invoke($"deactivating {Spec.Grains:N0} grains");
            await ForEachAsync(population, g => g.Deactivate(), CancellationToken.None);
        }
    }

    /// <summary>Reports <see cref="Progress"/> twice a second until stopped, the calls made elsewhere read first.</summary>
    private Task ReportProgressAsync(CancellationToken stop) => LoadProgressReporter.RunAsync(Grains, silo.GetPrimaryKey(), async () =>
    {
        if (await CallsElsewhereAsync() is { } elsewhere)
        {
            Interlocked.Exchange(ref _elsewhereCalls, elsewhere);
        }

        return Progress;
    }, stop);

    private Task ForEachAsync(ILoadGrain[] population, Func<ILoadGrain, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            population,
            new ParallelOptions { MaxDegreeOfParallelism = ActivationParallelism, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current },
            async (g, _) =>
            {
                await action(g);
                Interlocked.Increment(ref _phaseDone);
            });
}
