using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Load;

/// <summary>
/// Activates a population of <see cref="ILoadGrain"/>s, drives calls at them for a duration, and tears them
/// down. The same code runs in a driver grain (hosted path) and in the client (external path).
/// Open-loop latencies are measured from each call's scheduled start, not its actual one, so a stalled silo
/// shows up in the percentiles instead of silently slowing the load (coordinated omission).
/// </summary>
public sealed class LoadDriver(IGrainFactory grains, LoadSpec spec, Func<Task<SiloProbe>> probe, MachineInfo machine)
{
    private const int ActivationParallelism = 1024;
    private long _errors;
    private long _timeouts;
    private long _calls;

    /// <summary>Called with a line about each phase (activating, driving, cleaning up).</summary>
    public Action<string>? OnPhase { get; init; }

    /// <summary>Runs the test and returns its record.</summary>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var runId = Guid.NewGuid().ToString("N");
        var population = Enumerable.Range(0, spec.Grains).Select(i => grains.GetGrain<ILoadGrain>($"{runId}/{i}")).ToArray();
        var before = await probe();

        OnPhase?.Invoke($"activating {spec.Grains:N0} grains");
        var activationStart = Stopwatch.GetTimestamp();
        await ForEachAsync(population, g => g.Activate(spec.MemoryBytes), cancellationToken);
        var activationSeconds = Stopwatch.GetElapsedTime(activationStart).TotalSeconds;
        var activated = await probe();

        try
        {
            OnPhase?.Invoke(spec.IsOpen ? $"driving {spec.Rate:N0} calls/s for {spec.Duration.TotalSeconds:0.#} s" : $"driving {spec.Concurrency} callers for {spec.Duration.TotalSeconds:0.#} s");
            var latency = new LatencyRecorder();
            var payload = new byte[spec.PayloadBytes];
            var clock = Stopwatch.GetTimestamp();
            if (spec.IsOpen)
            {
                await OpenLoopAsync(population, payload, latency, cancellationToken);
            }
            else
            {
                await Task.WhenAll(Enumerable.Range(0, spec.Concurrency).Select(c => ClosedLoopAsync(population, payload, latency, c, cancellationToken)));
            }

            var wall = Stopwatch.GetElapsedTime(clock).TotalSeconds;
            var driven = await probe();
            var cpu = driven.CpuSeconds - activated.CpuSeconds;
            return new RunResult
            {
                Model = Models.Process,
                Workload = "load",
                Workers = spec.IsOpen ? 0 : spec.Concurrency,
                Silos = machine.Silos,
                Work = _calls,
                Granularity = 1,
                WallSeconds = wall,
                WallSecondsMin = wall,
                WallSecondsMax = wall,
                Throughput = _calls / wall,
                Messages = 2 * _calls,
                PayloadBytes = 2 * _calls * spec.PayloadBytes,
                MemoryPerWorkerBytes = PerGrain(activated.HeapBytes - before.HeapBytes),
                CpuSeconds = cpu,
                CpuUtilisation = cpu / (wall * machine.Cores),
                Latency = latency.Summarize(),
                Correct = _errors == 0 && _timeouts == 0,
                Expected = "no errors or timeouts",
                Actual = $"{_errors} errors, {_timeouts} timeouts",
                Machine = machine,
                PayloadBytesPerMessage = spec.PayloadBytes,
                MemoryBytesRequested = spec.MemoryBytes,
                Grains = spec.Grains,
                ActivationSeconds = activationSeconds,
                ActivationRate = spec.Grains / activationSeconds,
                MemoryPerGrainBytes = PerGrain(activated.HeapBytes - before.HeapBytes),
                Errors = _errors,
                Timeouts = _timeouts,
                Path = spec.Path,
                LoadMode = spec.IsOpen ? "open" : "closed",
                Calls = _calls,
                HeapBeforeBytes = before.HeapBytes,
            };
        }
        finally
        {
            OnPhase?.Invoke($"deactivating {spec.Grains:N0} grains");
            await ForEachAsync(population, g => g.Deactivate(), CancellationToken.None);
        }
    }

    private long PerGrain(long bytes) => Math.Max(0, bytes / spec.Grains);

    private async Task ClosedLoopAsync(ILoadGrain[] population, byte[] payload, LatencyRecorder latency, int caller, CancellationToken cancellationToken)
    {
        var random = new Random(caller);
        var end = Stopwatch.GetTimestamp() + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            await CallAsync(population[random.Next(population.Length)], payload, latency, start);
        }
    }

    private async Task OpenLoopAsync(ILoadGrain[] population, byte[] payload, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        var random = new Random(0);
        var inFlight = new List<Task>();
        var t0 = Stopwatch.GetTimestamp();
        var ramp = spec.Ramp.TotalSeconds;
        var duration = spec.Duration.TotalSeconds;
        for (long i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            // Call i is due when the rate's integral reaches i: t²·r/(2·ramp) during the ramp, then linear.
            var rampCalls = spec.Rate * ramp / 2;
            var due = i < rampCalls ? Math.Sqrt(2 * ramp * i / spec.Rate) : ramp + ((i - rampCalls) / spec.Rate);
            if (due >= duration)
            {
                break;
            }

            var dueTimestamp = t0 + (long)(due * Stopwatch.Frequency);
            var wait = dueTimestamp - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            inFlight.Add(CallAsync(population[random.Next(population.Length)], payload, latency, dueTimestamp));
            if (inFlight.Count >= 4096)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
    }

    private async Task CallAsync(ILoadGrain grain, byte[] payload, LatencyRecorder latency, long scheduledStart)
    {
        try
        {
            await grain.Echo(payload).WaitAsync(spec.Timeout);
            lock (latency)
            {
                latency.RecordSince(scheduledStart);
            }

            Interlocked.Increment(ref _calls);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    private static Task ForEachAsync(ILoadGrain[] grains, Func<ILoadGrain, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            grains,
            new ParallelOptions { MaxDegreeOfParallelism = ActivationParallelism, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current },
            async (g, _) => await action(g));
}
