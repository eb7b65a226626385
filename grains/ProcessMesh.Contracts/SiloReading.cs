namespace ProcessMesh.Contracts;

/// <summary>One silo's process, as its probe read it.</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloReading")]
public sealed record SiloReading
{
    /// <summary>The silo's address (<c>ip:port@generation</c>).</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Grain activations on the silo, the probe itself included.</summary>
    [Id(1)] public int Activations { get; init; }

    /// <summary>Process-model workers (process grains) on the silo.</summary>
    [Id(2)] public int ProcessWorkers { get; init; }

    /// <summary>CPU time the silo's process has used since it started, in seconds.</summary>
    [Id(3)] public double CpuSeconds { get; init; }

    /// <summary>CPU the silo's process used during the reading's window, in percent of one core (200 = two cores busy); null without a window.</summary>
    [Id(4)] public double? CpuPercent { get; init; }

    /// <summary>Bytes allocated on the managed heap and not yet collected (<c>GC.GetTotalMemory(false)</c>).</summary>
    [Id(5)] public long HeapBytes { get; init; }

    /// <summary>The process's resident set, in bytes.</summary>
    [Id(6)] public long WorkingSetBytes { get; init; }

    /// <summary>Logical cores the silo's process may use.</summary>
    [Id(7)] public int Cores { get; init; }

    /// <summary>Seconds since the silo's process started.</summary>
    [Id(8)] public double UptimeSeconds { get; init; }
}
