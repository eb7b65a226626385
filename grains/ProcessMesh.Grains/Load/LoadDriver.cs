using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Load;

/// <summary>
/// Activates a population of <see cref="ILoadGrain"/>s, drives calls at them (warm-ups, then measured drives of
/// the spec's duration), and tears them down. The same code runs in the coordinator grain (hosted path) and in
/// the client (external path). On the external path the client's own callers drive; on the hosted path every
/// active silo drives its share of the callers (or of the open loop's schedule) from a
/// <see cref="LoadCallerGrain"/> of its own, and the shares merge into one drive. Open-loop latencies are
/// measured from each call's scheduled start, not its actual one, so a stalled silo shows up in the percentiles
/// instead of silently slowing the load (coordinated omission). The hosted path reads the active silos from its
/// silo's own view of <paramref name="membership"/> (never the membership table, whose store may be down).
/// </summary>
/// <param name="grains">Calls the population.</param>
/// <param name="spec">The test.</param>
/// <param name="silo">The coordinator whose silo's heap and CPU are read.</param>
/// <param name="machine">The machine, for the record.</param>
/// <param name="membership">The hosting silo's membership, which the hosted path spreads its callers over; null on the external path.</param>
public sealed class LoadDriver(IGrainFactory grains, LoadSpec spec, ICoordinatorGrain silo, MachineInfo machine, IClusterMembershipService? membership = null)
{
    private const int ActivationParallelism = 1024;

    private string _phase = LoadProgress.Activating;
    private int _phaseNumber;
    private long _phaseStart = Stopwatch.GetTimestamp();
    private long _phaseDone;
    private Drive? _drive;
    private ILoadCallerGrain[] _callers = [];
    private long _callersCalls;

    /// <summary>Called with a line about each phase (activating, each drive, cleaning up).</summary>
    public Action<string>? OnPhase { get; init; }

    /// <summary>How far the test has got; also reported twice a second to the <see cref="ILoadProgressGrain"/> keyed by the coordinator.</summary>
    public LoadProgress Progress => new()
    {
        Phase = _phase,
        Number = _phaseNumber,
        Done = _drive?.Calls ?? (_callers.Length > 0 ? Interlocked.Read(ref _callersCalls) : Interlocked.Read(ref _phaseDone)),
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

    private async Task<RunResult> RunTestAsync(CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        var population = Enumerable.Range(0, spec.Grains).Select(i => grains.GetGrain<ILoadGrain>(Key(runId, i))).ToArray();
        var before = await silo.LiveHeapBytes();

        Phase(LoadProgress.Activating, 0);
        OnPhase?.Invoke($"activating {spec.Grains:N0} grains");
        var activationStart = Stopwatch.GetTimestamp();
        await ForEachAsync(population, g => g.Activate(spec.MemoryBytes), cancellationToken);
        var activationSeconds = Stopwatch.GetElapsedTime(activationStart).TotalSeconds;
        var activated = await silo.LiveHeapBytes();

        try
        {
            var payload = new byte[spec.PayloadBytes];
            var drives = new List<DriveFigures>();
            for (var d = 0; d < spec.Warmups + spec.Repeats; d++)
            {
                var kind = d < spec.Warmups ? $"warm-up {d + 1}/{spec.Warmups}" : $"drive {d - spec.Warmups + 1}/{spec.Repeats}";
                OnPhase?.Invoke($"{kind}: {(spec.IsOpen ? $"{spec.Rate:N0} calls/s" : $"{spec.Concurrency} callers")} for {spec.Duration.TotalSeconds:0.#} s");
                var (phase, number) = d < spec.Warmups ? (LoadProgress.WarmUp, d + 1) : (LoadProgress.Drive, d - spec.Warmups + 1);
                var figures = spec.Path == LoadPaths.Hosted
                    ? await SpreadDriveAsync(runId, d, phase, number, cancellationToken)
                    : await DriveAsync(population, payload, phase, number, cancellationToken);
                if (d >= spec.Warmups)
                {
                    drives.Add(figures);
                }
            }

            var perGrain = Math.Max(0, (activated - before) / spec.Grains);
            var record = LoadRecord.From(
                Models.Process, spec, spec.Grains, spec.IsOpen ? null : spec.Concurrency, machine, drives, activationSeconds, perGrain, before);
            return record with { Messages = 2 * record.Completed!.Value, PayloadBytes = 2 * record.Completed.Value * spec.PayloadBytes };
        }
        finally
        {
            Phase(LoadProgress.Deactivating, 0);
            OnPhase?.Invoke($"deactivating {spec.Grains:N0} grains");
            await ForEachAsync(population, g => g.Deactivate(), CancellationToken.None);
        }
    }

    /// <summary>One drive by this process's own callers.</summary>
    private async Task<DriveFigures> DriveAsync(ILoadGrain[] population, byte[] payload, string phase, int number, CancellationToken cancellationToken)
    {
        var drive = new Drive(spec);
        Phase(phase, number, drive);
        // CPU only around the drive: a heap reading forces a full collection, which would count as the drive's.
        var cpuBefore = await silo.CpuSeconds();
        await drive.RunAsync(population, payload, cancellationToken);
        drive.CpuSeconds = await silo.CpuSeconds() - cpuBefore;
        return drive.Figures;
    }

    /// <summary>One drive by callers on every active silo, each silo's share from a caller grain placed there.</summary>
    private async Task<DriveFigures> SpreadDriveAsync(string runId, int number, string phase, int phaseNumber, CancellationToken cancellationToken)
    {
        var silos = ActiveSilos.In(membership ?? throw new InvalidOperationException("a hosted load is driven inside a silo, from its view of membership"))
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();

        // Closed loop: never more silos than callers, and each its share of them; open loop: each silo every n-th call.
        var shares = spec.IsOpen ? silos.Length : Math.Min(silos.Length, spec.Concurrency);
        var callers = Enumerable.Range(0, shares).Select(s => LoadCallerGrain.On(grains, silos[s], runId, number)).ToArray();
        Phase(phase, phaseNumber, callers: callers);

        // One silo's share failing fails the drive: the other shares are stopped then, not waited for to the end.
        using var drive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parts = await Task.WhenAll(callers.Select(async (caller, s) =>
        {
            try
            {
                return await caller.Drive(
                    spec.IsOpen ? spec : spec with { Concurrency = (int)Workloads.WorkSplit.Share(spec.Concurrency, shares, s) }, runId, s, shares, drive.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await drive.CancelAsync();

                // A drive without one silo's calls would read as a slower cluster: it is refused, naming the silo.
                throw new InvalidOperationException(
                    e is SiloUnavailableException or OrleansMessageRejectionException
                        ? $"silo {silos[s].Endpoint} left the cluster during a drive, and its callers' share of the load with it"
                        : $"the load's callers on silo {silos[s].Endpoint} failed during a drive, so its figures are incomplete: {e.Message.Split('\n')[0]}",
                    e);
            }
        }));
        _callers = [];
        return DriveShare.Merge(parts, spec);
    }

    private void Phase(string phase, int number, Drive? drive = null, ILoadCallerGrain[]? callers = null)
    {
        _drive = drive;
        _callers = callers ?? [];
        Interlocked.Exchange(ref _callersCalls, 0);
        Interlocked.Exchange(ref _phaseDone, 0);
        _phaseStart = Stopwatch.GetTimestamp();
        (_phase, _phaseNumber) = (phase, number);
    }

    /// <summary>Reports <see cref="Progress"/> twice a second until stopped, the callers' calls read from them first.</summary>
    private Task ReportProgressAsync(CancellationToken stop) => LoadProgressReporter.RunAsync(grains, silo.GetPrimaryKey(), async () =>
    {
        if (_callers is { Length: > 0 } callers)
        {
            Interlocked.Exchange(ref _callersCalls, (await Task.WhenAll(callers.Select(c => c.Calls()))).Sum());
        }

        return Progress;
    }, stop);

    /// <summary>The key of grain <paramref name="index"/> of test <paramref name="runId"/>'s population.</summary>
    public static string Key(string runId, int index) => $"{runId}/{index}";

    private Task ForEachAsync(ILoadGrain[] grains, Func<ILoadGrain, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            grains,
            new ParallelOptions { MaxDegreeOfParallelism = ActivationParallelism, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current },
            async (g, _) =>
            {
                await action(g);
                Interlocked.Increment(ref _phaseDone);
            });
}
