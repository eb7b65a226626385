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

    /// <summary>What every silo measured (one entry for the thread models).</summary>
    [Id(3)] public IReadOnlyList<SiloSinkReport> Silos { get; init; } = [];

    /// <summary>Memory per worker, read the same way in every model.</summary>
    [Id(4)] public MemoryGrowth Memory { get; init; }

    /// <summary><c>completed</c>, <c>recovered</c> or <c>lost</c>.</summary>
    [Id(5)] public string Outcome { get; init; } = Contracts.Outcomes.Completed;

    /// <summary>Why the run recovered or was lost; null when it completed.</summary>
    [Id(6)] public string? Failure { get; init; }

    /// <summary>Seconds the workers took to start, outside the measured phase (os model: real process starts; process model: grain activations and any emulated start); null when they start with the phase.</summary>
    [Id(7)] public double? StartSeconds { get; init; }

    /// <summary>Mean Pss per worker process, bytes (os model); null otherwise.</summary>
    [Id(8)] public long? PssPerWorkerBytes { get; init; }

    /// <summary>The IPC the workers talked over (os model); null otherwise.</summary>
    [Id(9)] public string? Ipc { get; init; }

    /// <summary>The run's identity on the silos (process model: the key its workers' costs are kept under); null otherwise.</summary>
    [Id(10)] public string? RunId { get; init; }
}
