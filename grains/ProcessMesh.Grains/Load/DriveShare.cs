using ProcessMesh.Contracts;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Load;

/// <summary>
/// What one silo's share of a hosted drive gave: its calls, how they settled, their latencies (encoded) and the
/// CPU its silo's process spent meanwhile. The shares of one drive merge into its <see cref="DriveFigures"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.DriveShare")]
internal sealed record DriveShare
{
    /// <summary>From the share's start to its close.</summary>
    [Id(0)] public double WallSeconds { get; init; }

    /// <summary>The CPU seconds of the process the share ran in, over the share.</summary>
    [Id(1)] public double CpuSeconds { get; init; }

    /// <summary>That process (machine and id): silos in one process share its CPU, which must be counted once.</summary>
    [Id(2)] public string Process { get; init; } = "";

    [Id(3)] public long Calls { get; init; }

    [Id(4)] public long Completed { get; init; }

    [Id(5)] public long Errors { get; init; }

    [Id(6)] public long Timeouts { get; init; }

    [Id(7)] public byte[] Latency { get; init; } = [];

    [Id(8)] public byte[] CompletedLatency { get; init; } = [];

    /// <summary>Open loop only (else empty).</summary>
    [Id(9)] public byte[] Service { get; init; } = [];

    /// <summary>Open loop only (else empty).</summary>
    [Id(10)] public byte[] SendLag { get; init; } = [];

    /// <summary>The share a finished drive's <paramref name="figures"/> make.</summary>
    public static DriveShare Of(DriveFigures figures, string process) => new()
    {
        WallSeconds = figures.WallSeconds,
        CpuSeconds = figures.CpuSeconds,
        Process = process,
        Calls = figures.Calls,
        Completed = figures.Tally.Completed,
        Errors = figures.Tally.Errors,
        Timeouts = figures.Tally.Timeouts,
        Latency = figures.Tally.Latency.Encode(),
        CompletedLatency = figures.Tally.CompletedLatency.Encode(),
        Service = figures.Service?.Encode() ?? [],
        SendLag = figures.SendLag?.Encode() ?? [],
    };

    /// <summary>
    /// One drive's figures from its shares: every call of every share, the longest share's wall time (they
    /// start together), and each process's CPU once.
    /// </summary>
    public static DriveFigures Merge(IReadOnlyList<DriveShare> shares, LoadSpec spec)
    {
        var tally = new CallTally(spec.Timeout);
        foreach (var share in shares)
        {
            tally.Add(share.Completed, share.Errors, share.Timeouts, LatencyRecorder.Decode(share.Latency), LatencyRecorder.Decode(share.CompletedLatency));
        }

        return new DriveFigures(
            shares.Max(s => s.WallSeconds),
            shares.GroupBy(s => s.Process, StringComparer.Ordinal).Sum(p => p.Max(s => s.CpuSeconds)),
            shares.Sum(s => s.Calls),
            tally)
        {
            Service = spec.IsOpen ? LatencyRecorder.Merge(shares.Select(s => s.Service)) : null,
            SendLag = spec.IsOpen ? LatencyRecorder.Merge(shares.Select(s => s.SendLag)) : null,
        };
    }
}
