namespace ProcessMesh.Contracts;

/// <summary>
/// A load test: a population of <see cref="Grains"/> process grains, driven for <see cref="Duration"/> either
/// closed-loop (<see cref="Concurrency"/> callers, each waiting for its reply) or open-loop (<see cref="Rate"/>
/// calls a second on a fixed schedule, ramped up over <see cref="Ramp"/>, whatever the replies do).
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.LoadSpec")]
public sealed record LoadSpec
{
    /// <summary>Process grains in the population.</summary>
    [Id(0)] public int Grains { get; init; } = 1000;

    /// <summary>Private memory each grain allocates and touches.</summary>
    [Id(1)] public long MemoryBytes { get; init; }

    /// <summary>Payload bytes each call carries.</summary>
    [Id(2)] public int PayloadBytes { get; init; }

    /// <summary>How long to drive load (after activation).</summary>
    [Id(3)] public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Closed loop: callers in flight. Ignored when <see cref="Rate"/> is set.</summary>
    [Id(4)] public int Concurrency { get; init; } = 16;

    /// <summary>Open loop: calls a second (0: closed loop).</summary>
    [Id(5)] public double Rate { get; init; }

    /// <summary>Open loop: time to ramp from zero to <see cref="Rate"/>.</summary>
    [Id(6)] public TimeSpan Ramp { get; init; }

    /// <summary>A call slower than this counts as a timeout.</summary>
    [Id(7)] public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where load comes from: <c>hosted</c> (a driver grain inside the cluster) or <c>external</c> (the client).</summary>
    [Id(8)] public string Path { get; init; } = LoadPaths.Hosted;

    /// <summary>Unmeasured drives on the activated population before the measured ones.</summary>
    [Id(9)] public int Warmups { get; init; }

    /// <summary>Measured drives of <see cref="Duration"/> each; the median (by throughput) is reported with the spread.</summary>
    [Id(10)] public int Repeats { get; init; } = 1;

    /// <summary>The shared-memory primitive the thread models guard each object with.</summary>
    [Id(11)] public SyncPrimitive Sync { get; init; } = SyncPrimitive.Lock;

    /// <summary>
    /// The calibration the user named (<c>--calibration FILE</c>), as a run carries it; null: the silo's own. Each silo
    /// that would use it checks that it describes its machine (<see cref="CalibrationJson.WhyNotFor"/>).
    /// </summary>
    [Id(12)] public Calibration? Calibration { get; init; }

    /// <summary>Whether this is an open-loop test.</summary>
    public bool IsOpen => Rate > 0;
}

/// <summary>Where load is driven from.</summary>
public static class LoadPaths
{
    /// <summary>From a driver grain inside the cluster: the client's link is not measured.</summary>
    public const string Hosted = "hosted";

    /// <summary>From the client: the client's link to the gateway is in every latency.</summary>
    public const string External = "external";

    /// <summary>Both paths.</summary>
    public static IReadOnlyList<string> All { get; } = [Hosted, External];
}
