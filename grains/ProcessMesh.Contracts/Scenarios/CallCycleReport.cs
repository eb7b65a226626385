namespace ProcessMesh.Contracts.Scenarios;

/// <summary>What a grain calling a peer that calls it back saw.</summary>
[GenerateSerializer, Immutable, Alias("pm.CallCycleReport")]
public sealed record CallCycleReport
{
    /// <summary>The call to the peer did not return within the timeout.</summary>
    [Id(0)] public bool Deadlocked { get; init; }

    /// <summary>The chain of calls, e.g. "A → B.CallBack → A.Ping (A is busy awaiting B)".</summary>
    [Id(1)] public string Cycle { get; init; } = "";

    /// <summary>Seconds until the call returned or was given up.</summary>
    [Id(2)] public double Seconds { get; init; }
}
