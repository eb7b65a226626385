namespace ProcessMesh.Contracts;

/// <summary>A reading of one silo's process: live heap, CPU time and memory, for measurements taken from outside.</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloProbe")]
public sealed record SiloProbe
{
    /// <summary>Live managed heap after a full collection, bytes.</summary>
    [Id(0)] public long HeapBytes { get; init; }

    /// <summary>CPU time the silo's process has used, seconds.</summary>
    [Id(1)] public double CpuSeconds { get; init; }

    /// <summary>Resident set of the silo's process, bytes.</summary>
    [Id(2)] public long WorkingSetBytes { get; init; }
}
