using System.Diagnostics;
using ProcessMesh.Contracts;

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

    /// <summary>Called with a line about each phase (activating, each drive, cleaning up).</summary>
    public Action<string>? OnPhase { get; init; }

    /// <summary>Runs the test and returns its record: the median measured drive, with the spread.</summary>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var runId = Guid.NewGuid().ToString("N");
        var population = Enumerable.Range(0, spec.Grains).Select(i => grains.GetGrain<ILoadGrain>($"{runId}/{i}")).ToArray();
        var before = await silo.LiveHeapBytes();

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
            return record with { Messages = 2 * record.Completed!.Value, PayloadBytes = 2 * record.Completed.Value * spec.PayloadBytes };
        }
        finally
        {
            OnPhase?.Invoke($"deactivating {spec.Grains:N0} grains");
            await ForEachAsync(population, g => g.Deactivate(), CancellationToken.None);
        }
    }

    private static Task ForEachAsync(ILoadGrain[] grains, Func<ILoadGrain, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            grains,
            new ParallelOptions { MaxDegreeOfParallelism = ActivationParallelism, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Current },
            async (g, _) => await action(g));
}
