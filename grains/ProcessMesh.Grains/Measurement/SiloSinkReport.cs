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

    /// <summary>Encoded latencies of messages (or steps) that stayed inside a silo.</summary>
    [Id(4)] public byte[] LocalLatency { get; init; } = [];

    /// <summary>The calls this silo's workers (or driver) issued and answered.</summary>
    [Id(5)] public Ledger Ledger { get; init; }

    /// <summary>Work units finished there.</summary>
    [Id(6)] public long UnitsDone { get; init; }

    /// <summary>The silo's managed heap at the end, bytes (no forced collection).</summary>
    [Id(7)] public long HeapBytes { get; init; }

    /// <summary>CPU the silo's process used since the sink was opened, seconds.</summary>
    [Id(8)] public double CpuSeconds { get; init; }

    /// <summary>Of <see cref="Messages"/>, those between this silo and another.</summary>
    [Id(9)] public long CrossSiloMessages { get; init; }

    /// <summary>Encoded latencies of messages (or steps) that crossed silos.</summary>
    [Id(10)] public byte[] CrossSiloLatency { get; init; } = [];

    /// <summary>Memory of the silo's process before the run's workers started on it and once they had, when it held workers.</summary>
    [Id(11)] public SiloMemory? Memory { get; init; }
}

/// <summary>One silo's memory before its workers started and once they all had (both before the clock).</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloMemory")]
public readonly record struct SiloMemory([property: Id(0)] MemoryReading Before, [property: Id(1)] MemoryReading After);
