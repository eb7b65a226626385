namespace ProcessMesh.Grains.Measurement;

/// <summary>What an engine measured in one run, before the coordinator checks and summarises it.</summary>
[GenerateSerializer, Immutable, Alias("pm.EngineRun")]
public sealed record EngineRun
{
    /// <summary>Wall time of the measured phase.</summary>
    [Id(0)] public double WallSeconds { get; init; }

    /// <summary>CPU time of the hosting silo's process over the measured phase.</summary>
    [Id(1)] public double CpuSeconds { get; init; }

    /// <summary>The answer the workers produced.</summary>
    [Id(2)] public ulong Answer { get; init; }

    /// <summary>Messages or hand-offs moved.</summary>
    [Id(3)] public long Messages { get; init; }

    /// <summary>Payload bytes those messages carried.</summary>
    [Id(4)] public long PayloadBytes { get; init; }

    /// <summary>Measured memory per worker.</summary>
    [Id(5)] public long MemoryPerWorkerBytes { get; init; }

    /// <summary>The latency histogram, encoded by <see cref="LatencyRecorder.Encode"/>.</summary>
    [Id(6)] public byte[] Latency { get; init; } = [];
}
