namespace ProcessMesh.Contracts.Scenarios;

/// <summary>What two threads taking two locks did.</summary>
[GenerateSerializer, Immutable, Alias("pm.LockOrderReport")]
public sealed record LockOrderReport
{
    /// <summary>Each thread held one lock while waiting, past the timeout, for the other thread's.</summary>
    [Id(0)] public bool Deadlocked { get; init; }

    /// <summary>The order each thread took the locks in, and what it held and waited for, e.g. "A: L1 → L2 (held L1, waited for L2)".</summary>
    [Id(1)] public IReadOnlyList<string> Threads { get; init; } = [];

    /// <summary>Both threads finished their critical section in the end (after backing off, when they deadlocked).</summary>
    [Id(2)] public bool Completed { get; init; }

    /// <summary>Seconds from start until both threads were done.</summary>
    [Id(3)] public double Seconds { get; init; }
}
