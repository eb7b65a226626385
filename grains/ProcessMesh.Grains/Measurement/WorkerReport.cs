namespace ProcessMesh.Grains.Measurement;

/// <summary>One worker's share of a run: its answer, traffic and latencies.</summary>
[GenerateSerializer, Immutable, Alias("pm.WorkerReport")]
public sealed record WorkerReport
{
    /// <summary>The worker's partial answer.</summary>
    [Id(0)] public ulong Answer { get; init; }

    /// <summary>Messages the worker sent or received and counted.</summary>
    [Id(1)] public long Messages { get; init; }

    /// <summary>Payload bytes of those messages.</summary>
    [Id(2)] public long PayloadBytes { get; init; }

    /// <summary>Encoded latencies.</summary>
    [Id(3)] public byte[] Latency { get; init; } = [];
}
