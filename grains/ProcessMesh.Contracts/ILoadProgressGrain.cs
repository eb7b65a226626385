namespace ProcessMesh.Contracts;

/// <summary>
/// Where a running load test says how far it has got, so a client can show live progress while the test runs
/// in a grain (the hosted path), where the coordinator is busy with the test and cannot answer. Keyed by the
/// coordinator's key: the client knows it before the test starts.
/// </summary>
public interface ILoadProgressGrain : IGrainWithGuidKey
{
    /// <summary>The driver's latest progress.</summary>
    Task Report(LoadProgress progress);

    /// <summary>The latest progress reported, or null before the first.</summary>
    Task<LoadProgress?> Read();
}

/// <summary>How far a load test has got: its phase, and what that phase has done so far.</summary>
[GenerateSerializer, Immutable, Alias("pm.LoadProgress")]
public sealed record LoadProgress
{
    /// <summary><see cref="Activating"/>, <see cref="WarmUp"/>, <see cref="Drive"/> or <see cref="Deactivating"/>.</summary>
    [Id(0)] public string Phase { get; init; } = "";

    /// <summary>Which drive (1-based) of its kind, for warm-ups and drives.</summary>
    [Id(1)] public int Number { get; init; }

    /// <summary>Grains activated, or calls completed, in this phase so far.</summary>
    [Id(2)] public long Done { get; init; }

    /// <summary>Seconds since the phase began.</summary>
    [Id(3)] public double PhaseSeconds { get; init; }

    public const string Activating = "activating";
    public const string WarmUp = "warm-up";
    public const string Drive = "drive";
    public const string Deactivating = "deactivating";
}
