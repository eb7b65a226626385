namespace ProcessMesh.Contracts;

/// <summary>The machine a result was measured on.</summary>
[GenerateSerializer, Immutable, Alias("pm.MachineInfo")]
public sealed record MachineInfo
{
    /// <summary>Logical cores the silo's process may use.</summary>
    [Id(0)] public int Cores { get; init; }

    /// <summary>Memory available to the silo's process, in bytes.</summary>
    [Id(1)] public long MemoryBytes { get; init; }

    /// <summary><c>server</c> or <c>workstation</c>.</summary>
    [Id(2)] public string Gc { get; init; } = "";

    /// <summary>Active silos in the cluster.</summary>
    [Id(3)] public int Silos { get; init; }

    /// <summary>Operating system and runtime, as .NET describes them.</summary>
    [Id(4)] public string Os { get; init; } = "";

    /// <summary>The .NET runtime version.</summary>
    [Id(5)] public string Runtime { get; init; } = "";

    /// <summary>Reads the machine this code runs on.</summary>
    public static MachineInfo Current(int silos) => new()
    {
        Cores = Environment.ProcessorCount,
        MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Gc = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
        Silos = silos,
        Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        Runtime = Environment.Version.ToString(),
    };
}
