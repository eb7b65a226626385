using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Load;

/// <summary>
/// Activates a population of <see cref="ILoadGrain"/>s, drives calls at them (warm-ups, then measured drives of
/// the spec's duration), and tears them down. The same code runs in a driver grain (hosted path) and in the
/// client (external path). Open-loop latencies are measured from each call's scheduled start, not its actual
/// one, so a stalled silo shows up in the percentiles instead of silently slowing the load (coordinated omission).
/// </summary>
public sealed class LoadDriver(IGrainFactory grains, LoadSpec spec, ICoordinatorGrain silo, MachineInfo machine)
{
    private const int ActivationParallelism = 1024;

    private static readonly TimeSpan _progressInterval = TimeSpan.FromMilliseconds(500);
    private string _phase = LoadProgress.Activating;
    private int _phaseNumber;
    private long _phaseStart = Stopwatch.GetTimestamp();
    private long _phaseDone;
    private Drive? _drive;

    /// <summary>Called with a line about each phase (activating, each drive, cleaning up).</summary>
    public Action<string>? OnPhase { get; init; }

    /// <summary>How far the test has got; also reported twice a second to the <see cref="ILoadProgressGrain"/> keyed by the coordinator.</summary>
    public LoadProgress Progress => new()
    {
        Phase = _phase,
        Number = _phaseNumber,
        Done = _drive?.Calls ?? Interlocked.Read(ref _phaseDone),
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
        var population = Enumerable.Range(0, spec.Grains).Select(i => grains.GetGrain<ILoadGrain>($"{runId}/{i}")).ToArray();
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
                var drive = new Drive(spec);
                Phase(d < spec.Warmups ? LoadProgress.WarmUp : LoadProgress.Drive, d < spec.Warmups ? d + 1 : d - spec.Warmups + 1, drive);
                // CPU only around the drive: a heap reading forces a full collection, which would count as the drive's.
                var cpuBefore = await silo.CpuSeconds();
                await drive.RunAsync(population, payload, cancellationToken);
                drive.CpuSeconds = await silo.CpuSeconds() - cpuBefore;
                if (d >= spec.Warmups)
                {
                    drives.Add(drive.Figures);
                }
            }

            var perGrain = Math.Max(0, (activated - before) / spec.Grains);
            var record = LoadRecord.From(
                Models.Process, spec, spec.Grains, spec.IsOpen ? null : spec.Concurrency, machine, drives, activationSeconds, perGrain, before);
            return record with { Messages = 2 * record.Calls!.Value, PayloadBytes = 2 * record.Calls.Value * spec.PayloadBytes };
        }
        finally
        {
            Phase(LoadProgress.Deactivating, 0);
            OnPhase?.Invoke($"deactivating {spec.Grains:N0} grains");
            await ForEachAsync(population, g => g.Deactivate(), CancellationToken.None);
        }
    }

    private void Phase(string phase, int number, Drive? drive = null)
    {
        _drive = drive;
        Interlocked.Exchange(ref _phaseDone, 0);
        _phaseStart = Stopwatch.GetTimestamp();
        (_phase, _phaseNumber) = (phase, number);
    }

    /// <summary>Reports <see cref="Progress"/> twice a second until stopped; a lost report is only a missed update.</summary>
    private async Task ReportProgressAsync(CancellationToken stop)
    {
        var sink = grains.GetGrain<ILoadProgressGrain>(silo.GetPrimaryKey());
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_progressInterval, stop);
                await sink.Report(Progress);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // progress is a courtesy: the test goes on
            }
        }
    }

    private Task ForEachAsync(ILoadGrain[] grains, Func<ILoadGrain, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            grains,
            new ParallelOptions { MaxDegreeOfParallelism = ActivationParallelism, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current },
            async (g, _) =>
            {
                await action(g);
                Interlocked.Increment(ref _phaseDone);
            });

    /// <summary>One drive of the population: its calls, failures and latencies.</summary>
    private sealed class Drive(LoadSpec spec)
    {
        private long _calls;
        private long _errors;
        private long _timeouts;
        private long _inFlight;

        public LatencyRecorder Latency { get; } = new();

        /// <summary>From when each call was actually sent: what the silo took, without the schedule's lateness.</summary>
        public LatencyRecorder Service { get; } = new();

        /// <summary>From when each call was due to when it was sent: the schedule's lateness.</summary>
        public LatencyRecorder SendLag { get; } = new();

        public double WallSeconds { get; private set; }

        public double CpuSeconds { get; set; }

        public long Calls => _calls;

        public long Errors => _errors;

        public long Timeouts => _timeouts;

        /// <summary>What this drive gave, for the record.</summary>
        public DriveFigures Figures => new(WallSeconds, CpuSeconds, Calls, Latency)
        {
            Errors = Errors,
            Timeouts = Timeouts,
            Service = spec.IsOpen ? Service : null,
            SendLag = spec.IsOpen ? SendLag : null,
        };

        public async Task RunAsync(ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var all = spec.IsOpen
                ? OpenLoopAsync(population, payload, cancellationToken)
                : Task.WhenAll(Enumerable.Range(0, spec.Concurrency).Select(c => ClosedLoopAsync(population, payload, c, cancellationToken)));

            // A call that never answers must not hold the drive: after the duration and one timeout more, every
            // call still in flight is counted as a timeout and left behind.
            if (await Task.WhenAny(all, Task.Delay(spec.Duration + spec.Timeout, cancellationToken)) != all)
            {
                Interlocked.Add(ref _timeouts, Volatile.Read(ref _inFlight));
            }

            WallSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        private async Task ClosedLoopAsync(ILoadGrain[] population, byte[] payload, int caller, CancellationToken cancellationToken)
        {
            var random = new Random(caller);
            var end = Stopwatch.GetTimestamp() + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                await CallAsync(population[random.Next(population.Length)], payload, Stopwatch.GetTimestamp());
            }
        }

        /// <summary>
        /// Paces the open loop on a dedicated thread, outside the Orleans scheduler: a grain's timers and turns
        /// run milliseconds late under load, and a late pacer would count its own lateness as the silo's. The
        /// <see cref="Pacer"/> sleeps to each call's due time without spinning.
        /// </summary>
        private Task OpenLoopAsync(ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken) =>
            Task.Factory.StartNew(
                () =>
                {
                    var random = new Random(0);
                    var inFlight = new List<Task>();
                    var t0 = Stopwatch.GetTimestamp();
                    var ramp = spec.Ramp.TotalSeconds;
                    var rampCalls = spec.Rate * ramp / 2;
                    for (long i = 0; !cancellationToken.IsCancellationRequested; i++)
                    {
                        // Call i is due when the rate's integral reaches i: t²·r/(2·ramp) during the ramp, then linear.
                        var due = i < rampCalls ? Math.Sqrt(2 * ramp * i / spec.Rate) : ramp + ((i - rampCalls) / spec.Rate);
                        if (due >= spec.Duration.TotalSeconds)
                        {
                            break;
                        }

                        var dueTimestamp = t0 + (long)(due * Stopwatch.Frequency);
                        Pacer.SleepUntil(dueTimestamp);

                        // Timed from when the call was due: a call sent late (the silo or the pacer fell behind)
                        // carries that lateness into its latency (coordinated omission corrected).
                        // Sent from the thread pool, not this thread: the call's pooled completion source then goes
                        // back to a pool that later calls draw from.
                        var grain = population[random.Next(population.Length)];
                        inFlight.Add(Task.Run(() => CallAsync(grain, payload, dueTimestamp), cancellationToken));
                        if (inFlight.Count >= 4096)
                        {
                            inFlight.RemoveAll(t => t.IsCompleted);
                        }
                    }

                    return Task.WhenAll(inFlight);
                },
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();

        private async Task CallAsync(ILoadGrain grain, byte[] payload, long scheduledStart)
        {
            var sent = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _inFlight);
            try
            {
                await grain.Echo(payload);
                var done = Stopwatch.GetTimestamp();
                if (done - scheduledStart > spec.Timeout.TotalSeconds * Stopwatch.Frequency)
                {
                    Interlocked.Increment(ref _timeouts);
                    return;
                }

                lock (Latency)
                {
                    Latency.RecordTicks(done - scheduledStart);
                    Service.RecordTicks(done - sent);
                    SendLag.RecordTicks(sent - scheduledStart);
                }

                Interlocked.Increment(ref _calls);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _errors);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
