namespace ProcessMesh.Grains.Measurement;

/// <summary>What one silo measured of one run, read once the measured phase is over.</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloSinkReport")]
public sealed record SiloSinkReport
{
    /// <summary>The silo's address.</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Workers of the run that started on this silo.</summary>
    [Id(1)] public int Workers { get; init; }

    /// <summary>Messages counted there.</summary>
    [Id(2)] public long Messages { get; init; }

    /// <summary>Payload bytes of those messages.</summary>
    [Id(3)] public long PayloadBytes { get; init; }

    /// <summary>Encoded latencies.</summary>
    [Id(4)] public byte[] Latency { get; init; } = [];
}
