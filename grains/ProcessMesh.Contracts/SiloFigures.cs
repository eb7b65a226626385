namespace ProcessMesh.Contracts;

/// <summary>What one silo held and did during a run (the <c>perSilo</c> entries of a record).</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloFigures")]
public sealed record SiloFigures
{
    /// <summary>The silo's address (host:port).</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Workers of the run that started there.</summary>
    [Id(1)] public int Workers { get; init; }

    /// <summary>Messages counted there (sent by its workers, or by a driver running there).</summary>
    [Id(2)] public long Messages { get; init; }

    /// <summary>The silo's managed heap when the run ended, bytes (no forced collection).</summary>
    [Id(3)] public long HeapBytes { get; init; }

    /// <summary>CPU the silo's process used from just before the clock started to the end, seconds.</summary>
    [Id(4)] public double CpuSeconds { get; init; }
}

/// <summary>The message ledger of a run: calls issued, answered and failed; it balances: sent = delivered + failed.</summary>
[GenerateSerializer, Immutable, Alias("pm.MessageLedger")]
public sealed record MessageLedger
{
    /// <summary>Calls issued between workers (or from a driver to workers).</summary>
    [Id(0)] public long Sent { get; init; }

    /// <summary>Calls answered.</summary>
    [Id(1)] public long Delivered { get; init; }

    /// <summary>Calls that failed, or were still unanswered when the run ended.</summary>
    [Id(2)] public long Failed { get; init; }
}

/// <summary>How a run ended (<c>outcome</c>).</summary>
public static class Outcomes
{
    /// <summary>Every unit done on the silos it started on.</summary>
    public const string Completed = "completed";

    /// <summary>A worker's silo was lost and its work re-ran on the survivors; the answer is still checked.</summary>
    public const string Recovered = "recovered";

    /// <summary>The run ended early: <c>lostWork</c> units were not done and the answer is not correct.</summary>
    public const string Lost = "lost";
}
