namespace ProcessMesh.Contracts;

/// <summary>Latency percentiles in microseconds, read from an HdrHistogram.</summary>
[GenerateSerializer, Immutable, Alias("pm.LatencySummary")]
public sealed record LatencySummary
{
    /// <summary>How many latencies were recorded.</summary>
    [Id(0)] public long Count { get; init; }

    /// <summary>Median.</summary>
    [Id(1)] public double P50 { get; init; }

    /// <summary>90th percentile.</summary>
    [Id(2)] public double P90 { get; init; }

    /// <summary>99th percentile.</summary>
    [Id(3)] public double P99 { get; init; }

    /// <summary>99.9th percentile.</summary>
    [Id(4)] public double P999 { get; init; }

    /// <summary>Largest recorded latency.</summary>
    [Id(5)] public double Max { get; init; }

    /// <summary>Mean.</summary>
    [Id(6)] public double Mean { get; init; }
}
