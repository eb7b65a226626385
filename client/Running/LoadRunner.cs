using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;
using ProcessMesh.Load;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// Runs a load test on the path it names: in a driver grain (hosted) or from this client (external); shows
/// its live progress (grains activated, calls so far and their rate) and reads the silo's heap once the
/// population is gone.
/// </summary>
internal static class LoadRunner
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(500);

    /// <summary>How long past its watch's bound (and its cancel) the hosted test's backstop waits for the watch's record.</summary>
    private static readonly TimeSpan _backstop = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs the test and returns its record. A hosted test is watched like a run (<see cref="CoordinatorWatch"/>):
    /// when its coordinator's silo is lost, or the client's way into the cluster, the record is <c>lost</c>, saying
    /// what was lost, within seconds; no test outlives its drives, its activation and the grace.
    /// </summary>
    public static async Task<RunResult> RunAsync(IGrainFactory grains, CoordinatorWatch watch, LoadSpec spec, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid();
        var coordinator = grains.GetGrain<ICoordinatorGrain>(key);
        var machine = await watch.BoundedAsync(_ => coordinator.Describe(), cancellationToken);

        // Admission is the cluster's (the silo that would hold the population, weighing its own machine), before anything runs.
        await watch.BoundedAsync(async c => { await c.AdmitLoad(Models.Process, spec); return true; }, cancellationToken);
        string? home = null;
        Task<RunResult> test;
        if (spec.Path == LoadPaths.Hosted)
        {
            test = HostedAsync(watch.CallAsync(c => c.RunLoad(Models.Process, spec, spec.Concurrency), Bound(spec), cancellationToken, silo => home = silo.Endpoint.ToString(), key), spec);
        }
        else
        {
            test = new LoadTest(grains, spec, coordinator, machine).RunAsync(cancellationToken);
        }

        // The hosted test's own bound is its watch's, which ends in a record (lost, saying why); this one is the backstop
        // behind it, past the watch's wait for the coordinator to take its cancel.
        var bound = Bound(spec) + CoordinatorWatch.Grace + (spec.Path == LoadPaths.Hosted ? CoordinatorWatch.CancelBound + _backstop : TimeSpan.Zero);
        var result = await FollowAsync(grains.GetGrain<ILoadProgressGrain>(key), spec, test, bound, progress, () => home, cancellationToken);
        if (result.Outcome == Outcomes.Lost)
        {
            return result;
        }

        progress.Begin("reading the silo's heap once the grains are gone", TimeSpan.FromSeconds(1));
        var after = await Settle.HeapAfterAsync(grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()), result.HeapBeforeBytes ?? 0, cancellationToken);
        progress.End();
        return result with { HeapAfterBytes = after };
    }

    /// <summary>What a load test may take before the grace: its drives, and activation at a slow 10,000 grains a second.</summary>
    private static TimeSpan Bound(LoadSpec spec) => (spec.Duration * (spec.Warmups + spec.Repeats)) + TimeSpan.FromSeconds(spec.Grains / 10_000.0);

    /// <summary>The hosted test's record, or a <c>lost</c> one saying what was lost when its coordinator or the cluster was.</summary>
    private static async Task<RunResult> HostedAsync(Task<Watched<RunResult>> watched, LoadSpec spec)
    {
        Watched<RunResult> call;
        try
        {
            call = await watched;
        }
        catch (InvalidOperationException e)
        {
            // The coordinator refused a drive that lost its callers on a silo (its LoadDriver says which): no record.
            call = new Watched<RunResult>(CallEnd.SiloLost, null, e.Message.Split('\n')[0], null);
        }

        return call.End switch
        {
            CallEnd.Answered => call.Value!,

            // Lost: the coordinator's silo, a silo holding callers, or the client's way in (its gateway), named in one line.
            _ => Lost(
                spec,
                call.Reason!.Contains(" during ", StringComparison.Ordinal) ? call.Reason : $"{call.Reason} during the load test",
                call.End switch
                {
                    CallEnd.SiloLost => "the coordinator gave no record: nothing of this load test was measured",
                    CallEnd.ConnectionLost => "the client lost its way into the cluster: nothing of this load test reached it",
                    CallEnd.TimedOut => "no answer reached the client: nothing of this load test was measured",
                    _ => "the coordinator's figures were lost with it: nothing of this load test was measured",
                }),
        };
    }

    /// <summary>The record of a load test that ended with nothing measured, saying what was lost.</summary>
    private static RunResult Lost(LoadSpec spec, string failure, string note) => new()
    {
        Model = Models.Process,
        Workload = "load",
        Workers = spec.Concurrency,
        Grains = spec.Grains,
        Path = spec.Path,
        Correct = false,
        Outcome = Outcomes.Lost,
        Failure = failure,
        Notes = [note],
    };

    /// <summary>Shows the test's progress, read from where its driver reports it, until the test ends.</summary>
    /// <remarks>
    /// Never waits past <paramref name="bound"/> (the drives' own length, activation at a slow 10,000 grains a second,
    /// and the grace; the hosted path's watch ends sooner when its coordinator's silo is lost, and at its own bound,
    /// with a record): past it the test is <c>lost</c>, with a record saying so. Before, it ended with no record at all,
    /// and on the hosted path this backstop could fire while the watch, at the same bound, was still telling the
    /// coordinator to stop: a load across a Redis restarted empty (chaos seed 52907, try 4) printed nothing.
    /// </remarks>
    private static async Task<RunResult> FollowAsync(ILoadProgressGrain source, LoadSpec spec, Task<RunResult> test, TimeSpan bound, ProgressReporter progress, Func<string?> home, CancellationToken cancellationToken)
    {
        var plan = new LoadPlan(spec);
        progress.Remaining = plan.Remaining;
        var shown = (Phase: "", Number: -1);
        progress.Begin($"activating {spec.Grains:N0} grains", plan.Expected(LoadProgress.Activating));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await Task.WhenAny(test, Task.Delay(_poll, cancellationToken)) != test)
        {
            if (clock.Elapsed > bound)
            {
                _ = test.ContinueWith(t => t.Exception, TaskScheduler.Default);
                progress.End();
                return Lost(spec, $"the load test gave no answer within {bound.TotalSeconds:0} s (its drives, activation, and {CoordinatorWatch.Grace.TotalSeconds:0} s grace)", "no answer reached the client: nothing of this load test was measured");
            }

            LoadProgress? now;
            try
            {
                now = await source.Read().WaitAsync(_poll * 10, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                continue; // progress is not the result: a silent reader only leaves the line as it was
            }

            if (now is null)
            {
                continue;
            }

            plan.Observe(now);
            if ((now.Phase, now.Number) != shown)
            {
                shown = (now.Phase, now.Number);
                progress.End();
                progress.Begin(plan.Describe(now), plan.Expected(now.Phase));
            }

            var done = now.Phase == LoadProgress.Activating || now.Phase == LoadProgress.Deactivating
                ? $"{now.Done:N0} of {spec.Grains:N0} grains"
                : $"{now.Done:N0} calls, {Figures.Si(now.PhaseSeconds > 0 ? now.Done / now.PhaseSeconds : 0)}/s";
            progress.Update(home() is { } silo ? $"{done}; coordinator on silo {silo}" : done);
        }

        progress.End();
        return await test;
    }

    /// <summary>
    /// What a load test will take: its drives' length is known; activation and deactivation are estimated from
    /// a typical rate and then from the rate observed.
    /// </summary>
    private sealed class LoadPlan(LoadSpec spec)
    {
        private const double TypicalActivationsPerSecond = 50_000;
        private const double TypicalDeactivationsPerSecond = 100_000;
        private double _activationRate = TypicalActivationsPerSecond;
        private readonly object _gate = new();
        private LoadProgress _now = new() { Phase = LoadProgress.Activating };

        public void Observe(LoadProgress now)
        {
            lock (_gate)
            {
                if (now.Phase == LoadProgress.Activating && now.PhaseSeconds > 0.5 && now.Done > 0)
                {
                    _activationRate = now.Done / now.PhaseSeconds;
                }

                _now = now;
            }
        }

        public TimeSpan Expected(string phase) => phase switch
        {
            LoadProgress.Activating => TimeSpan.FromSeconds(0.2 + (spec.Grains / _activationRate)),
            LoadProgress.Deactivating => TimeSpan.FromSeconds(0.2 + (spec.Grains / TypicalDeactivationsPerSecond)),
            _ => spec.Duration,
        };

        /// <summary>The phases after the current one.</summary>
        public TimeSpan? Remaining()
        {
            lock (_gate)
            {
                var drives = spec.Warmups + spec.Repeats;
                var after = _now.Phase switch
                {
                    LoadProgress.Activating => drives,
                    LoadProgress.WarmUp => drives - _now.Number,
                    LoadProgress.Drive => spec.Repeats - _now.Number,
                    _ => -1,
                };
                return after < 0 ? TimeSpan.Zero : (spec.Duration * after) + Expected(LoadProgress.Deactivating);
            }
        }

        public string Describe(LoadProgress now) => now.Phase switch
        {
            LoadProgress.WarmUp => $"warm-up {now.Number}/{spec.Warmups}: {Load()} for {ProgressReporter.Format(spec.Duration)}",
            LoadProgress.Drive => $"drive {now.Number}/{spec.Repeats}: {Load()} for {ProgressReporter.Format(spec.Duration)}",
            _ => $"{now.Phase} {spec.Grains:N0} grains",
        };

        private string Load() => spec.IsOpen ? $"{spec.Rate:N0} calls/s" : $"{spec.Concurrency} callers";
    }
}
