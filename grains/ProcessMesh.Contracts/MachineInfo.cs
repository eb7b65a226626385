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

    /// <summary>Every active silo and the machine it runs on (empty in records made before they were listed).</summary>
    [Id(6)] public IReadOnlyList<SiloMachine> SiloMachines { get; init; } = [];

    /// <summary>
    /// Cores of every machine the silos run on, each machine once: what CPU use is measured against. Silos that
    /// share a machine share its cores.
    /// </summary>
    public int ClusterCores => SiloMachines.Count == 0 ? Cores : SiloMachines.GroupBy(m => m.Host).Sum(h => h.First().Cores);

    /// <summary>The machines the silos run on (one when they were not listed).</summary>
    public int Machines => Math.Max(1, SiloMachines.Select(m => m.Host).Distinct().Count());

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

/// <summary>One silo and the machine it runs on (the <c>machine.siloMachines</c> entries of a record).</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloMachine")]
public sealed record SiloMachine
{
    /// <summary>The silo's address (host:port).</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>The machine's name (silos with the same name share its cores and memory).</summary>
    [Id(1)] public string Host { get; init; } = "";

    /// <summary>Logical cores the silo's process may use.</summary>
    [Id(2)] public int Cores { get; init; }

    /// <summary>Memory available to the silo's process, in bytes.</summary>
    [Id(3)] public long MemoryBytes { get; init; }

    /// <summary><c>server</c> or <c>workstation</c>.</summary>
    [Id(4)] public string Gc { get; init; } = "";

    /// <summary>The silo at <paramref name="silo"/>, on the machine this code runs on.</summary>
    public static SiloMachine Current(string silo) => new()
    {
        Silo = silo,
        Host = Environment.MachineName,
        Cores = Environment.ProcessorCount,
        MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Gc = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
    };
}
