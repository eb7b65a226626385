using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>One point of a sweep: a load test (with grains) or a workload run (without), for one model.</summary>
internal sealed record SweepPoint(string Model, int Workers, LoadSpec? Load, RunSpec? Run)
{
    public string Label => Load is { } l
        ? $"{Model} {l.Grains:N0} grains, {Workers} {(Models.IsSingleSilo(Model) ? "threads" : "callers")}, {Bytes.Format(l.PayloadBytes)} payload"
        : $"{Model} {Run!.Workload.ToString().ToLowerInvariant()} ×{Workers}, {Bytes.Format(Run.PayloadBytes)} payload, granularity {(Run.Granularity == 0 ? "default" : Run.Granularity)}";
}

/// <summary>
/// Runs a sweep point by point. Between points it waits for the silo's heap to return near its level before
/// the point (and reports both readings); a point that is refused or fails is reported and the sweep goes on.
/// </summary>
internal sealed class SweepRunner(IGrainFactory grains, Experiment experiment)
{
    private static readonly TimeSpan _settleTimeout = TimeSpan.FromSeconds(8);
    private const double SettledFraction = 1.10;
    private const long SettledSlackBytes = 2L << 20;

    /// <summary>Runs every point in order.</summary>
    public async Task<Measured> RunAsync(IReadOnlyList<SweepPoint> points, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var coordinator = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        await WarmUpAsync(points, cancellationToken);
        var results = new List<RunResult>();
        var failures = new List<string>();
        foreach (var point in points)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = await coordinator.LiveHeapBytes();
            try
            {
                RunResult result;
                if (point.Load is { } load)
                {
                    progress.Begin(point.Label);
                    result = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).RunLoad(point.Model, load, point.Workers).WaitAsync(cancellationToken);
                    progress.End();
                }
                else
                {
                    result = await new ExperimentRunner(grains, experiment).MeasureAsync(point.Run!, progress, cancellationToken);
                }

                var after = await SettleAsync(coordinator, before, cancellationToken);
                results.Add(result with { HeapBeforeBytes = before, HeapAfterBytes = after });
                if (!result.Correct)
                {
                    failures.Add($"{point.Label}: {result.Actual} (expected {result.Expected}); what completed is in the results");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{point.Label}: {e.Message}");
                progress.End();
            }
        }

        return new Measured(ExperimentRunner.WithSpeedups(results), failures);
    }

    /// <summary>
    /// One small unmeasured run per model before the first point, so the runtime's one-time costs (compiled
    /// code, pools, caches) land before the first heap reading rather than in it.
    /// </summary>
    private async Task WarmUpAsync(IReadOnlyList<SweepPoint> points, CancellationToken cancellationToken)
    {
        foreach (var point in points.DistinctBy(p => p.Model))
        {
            var coordinator = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
            try
            {
                await (point.Load is { } load
                    ? coordinator.RunLoad(point.Model, load with { Grains = Math.Min(load.Grains, 100), Duration = TimeSpan.FromMilliseconds(100), Warmups = 0, Repeats = 1 }, point.Workers)
                    : coordinator.Run(point.Run!)).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The point itself will fail and be reported; the warm-up has nothing to add.
            }
        }
    }

    /// <summary>Waits (a bounded time) for the heap to come back near <paramref name="before"/>; returns the last reading.</summary>
    private static async Task<long> SettleAsync(ICoordinatorGrain coordinator, long before, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _settleTimeout;
        long heap;
        while ((heap = await coordinator.LiveHeapBytes()) > (before * SettledFraction) + SettledSlackBytes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }

        return heap;
    }
}
