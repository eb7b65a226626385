using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Load;

/// <summary>What one measured drive of a load test gave, whichever model drove it.</summary>
internal sealed record DriveFigures(double WallSeconds, double CpuSeconds, long Calls, LatencyRecorder Latency)
{
    public long Errors { get; init; }

    public long Timeouts { get; init; }

    /// <summary>Open loop: latency from each call's send.</summary>
    public LatencyRecorder? Service { get; init; }

    /// <summary>Open loop: how late each call was sent against its schedule.</summary>
    public LatencyRecorder? SendLag { get; init; }

    public double Throughput => WallSeconds > 0 ? Calls / WallSeconds : 0;
}

/// <summary>The record of a load test, the same for every model: the median measured drive (by throughput), with the spread.</summary>
internal static class LoadRecord
{
    public static RunResult From(
        string model, LoadSpec spec, int workers, int? concurrency, MachineInfo machine, IReadOnlyList<DriveFigures> drives,
        double activationSeconds, long memoryPerGrainBytes, long heapBeforeBytes)
    {
        var sorted = drives.OrderBy(d => d.Throughput).ToList();
        var median = sorted[sorted.Count / 2];
        return new RunResult
        {
            Model = model,
            Workload = "load",
            Workers = workers,
            WorkersAre = model == Models.Process ? "grains" : "threads",
            Silos = machine.Silos,
            Work = median.Calls,
            Granularity = 1,
            Repeats = drives.Count,
            WallSeconds = median.WallSeconds,
            WallSecondsMin = sorted.Min(d => d.WallSeconds),
            WallSecondsMax = sorted.Max(d => d.WallSeconds),
            Throughput = median.Throughput,
            ThroughputMin = sorted[0].Throughput,
            ThroughputMax = sorted[^1].Throughput,
            MemoryPerWorkerBytes = memoryPerGrainBytes,
            CpuSeconds = median.CpuSeconds,
            CpuUtilisation = median.CpuSeconds / (median.WallSeconds * machine.Cores),
            Latency = median.Latency.Summarize(),
            ServiceLatency = median.Service?.Summarize(),
            SendLag = median.SendLag?.Summarize(),
            Correct = drives.All(d => d.Errors == 0 && d.Timeouts == 0),
            Expected = "no errors or timeouts",
            Actual = $"{drives.Sum(d => d.Errors)} errors, {drives.Sum(d => d.Timeouts)} timeouts",
            Machine = machine,
            PayloadBytesPerMessage = spec.PayloadBytes,
            MemoryBytesRequested = spec.MemoryBytes,
            Grains = spec.Grains,
            Concurrency = concurrency,
            ActivationSeconds = activationSeconds,
            ActivationRate = spec.Grains / activationSeconds,
            MemoryPerGrainBytes = memoryPerGrainBytes,
            Errors = median.Errors,
            Timeouts = median.Timeouts,
            Path = spec.Path,
            LoadMode = median.Service is null ? "closed" : "open",
            Calls = median.Calls,
            HeapBeforeBytes = heapBeforeBytes,
        };
    }
}
