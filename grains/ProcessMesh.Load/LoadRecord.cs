using ProcessMesh.Contracts;

namespace ProcessMesh.Load;

/// <summary>
/// What one measured drive of a load test gave, whichever model drove it. Every call it issued is in exactly one
/// of completed, errors and timeouts: built from a tally that does not balance, it throws rather than report.
/// </summary>
public sealed class DriveFigures
{
    public DriveFigures(double wallSeconds, double cpuSeconds, long calls, CallTally tally)
    {
        if (calls != tally.Settled || tally.Latency.Count != calls)
        {
            throw new InvalidOperationException(
                $"a drive issued {calls} calls but settled {tally.Completed} completed + {tally.Errors} errors + {tally.Timeouts} timeouts " +
                $"({tally.Latency.Count} latencies): each call must be counted once");
        }

        WallSeconds = wallSeconds;
        CpuSeconds = cpuSeconds;
        Calls = calls;
        Tally = tally;
    }

    public double WallSeconds { get; }

    public double CpuSeconds { get; }

    /// <summary>Calls issued: <see cref="CallTally.Completed"/> + <see cref="CallTally.Errors"/> + <see cref="CallTally.Timeouts"/>.</summary>
    public long Calls { get; }

    /// <summary>How the calls settled, with their latencies.</summary>
    public CallTally Tally { get; }

    /// <summary>Open loop: completed calls' latency from their send.</summary>
    public LatencyRecorder? Service { get; init; }

    /// <summary>Open loop: how late each completed call was sent against its schedule.</summary>
    public LatencyRecorder? SendLag { get; init; }

    /// <summary>Completed calls a second: failed and timed-out calls are not throughput.</summary>
    public double Throughput => WallSeconds > 0 ? Tally.Completed / WallSeconds : 0;
}

/// <summary>The record of a load test, the same for every model: the median measured drive (by throughput), with the spread.</summary>
public static class LoadRecord
{
    public static RunResult From(
        string model, LoadSpec spec, int workers, int? concurrency, MachineInfo machine, IReadOnlyList<DriveFigures> drives,
        double activationSeconds, long memoryPerGrainBytes, long heapBeforeBytes)
    {
        var (median, slowest, fastest) = Repeats.Median(drives, d => d.Throughput);
        return new RunResult
        {
            Model = model,
            Workload = "load",
            Workers = workers,
            WorkersAre = model == Models.Process ? "grains" : "threads",
            Silos = machine.Silos,
            Work = median.Tally.Completed,
            Granularity = 1,
            Repeats = drives.Count,
            WallSeconds = median.WallSeconds,
            WallSecondsMin = drives.Min(d => d.WallSeconds),
            WallSecondsMax = drives.Max(d => d.WallSeconds),
            Throughput = median.Throughput,
            ThroughputMin = slowest.Throughput,
            ThroughputMax = fastest.Throughput,
            MemoryPerWorkerBytes = memoryPerGrainBytes,
            CpuSeconds = median.CpuSeconds,
            CpuUtilisation = median.CpuSeconds / (median.WallSeconds * machine.Cores),
            Latency = median.Tally.Latency.Summarize(),
            CompletedLatency = median.Tally.CompletedLatency.Summarize(),
            ServiceLatency = median.Service?.Summarize(),
            SendLag = median.SendLag?.Summarize(),
            Correct = drives.All(d => d.Tally.Errors == 0 && d.Tally.Timeouts == 0),
            Expected = "no errors or timeouts",
            Actual = $"{drives.Sum(d => d.Tally.Errors)} errors, {drives.Sum(d => d.Tally.Timeouts)} timeouts",
            Machine = machine,
            PayloadBytesPerMessage = spec.PayloadBytes,
            MemoryBytesRequested = spec.MemoryBytes,
            Grains = spec.Grains,
            Concurrency = concurrency,
            ActivationSeconds = activationSeconds,
            ActivationRate = spec.Grains / activationSeconds,
            MemoryPerGrainBytes = memoryPerGrainBytes,
            Errors = median.Tally.Errors,
            Timeouts = median.Tally.Timeouts,
            Path = spec.Path,
            LoadMode = median.Service is null ? "closed" : "open",
            Calls = median.Calls,
            Completed = median.Tally.Completed,
            HeapBeforeBytes = heapBeforeBytes,
        };
    }
}
