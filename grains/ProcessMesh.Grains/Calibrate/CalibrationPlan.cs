namespace ProcessMesh.Grains.Calibrate;

/// <summary>How much a calibration measures: the payload sizes, how long each message benchmark runs, how many starts
/// and how many processes at once. <see cref="Full"/> is <c>calibrate</c>'s; <see cref="QuickPlan"/> a first run's.</summary>
internal sealed record CalibrationPlan
{
    /// <summary>Whether this is the quick subset (recorded in the calibration).</summary>
    public bool Quick { get; init; }

    /// <summary>Payload sizes of the message benchmarks, bytes.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [8, 1024, 65536, 1048576];

    /// <summary>
    /// Seconds each message benchmark runs at each size: 0.8, so that the three samples of the .NET crowd (about 6 s
    /// each) keep a full calibration under 90 s (it took 88.7 s with 1.0, quiet); five rounds of 0.16 s still hold
    /// hundreds of 1 MiB round trips each.
    /// </summary>
    public double MessageSeconds { get; init; } = 0.8;

    /// <summary>Starts timed (the median is kept).</summary>
    public int StartRepeats { get; init; } = 5;

    /// <summary>How many idle processes run at once when their memory is read.</summary>
    public IReadOnlyList<int> Crowds { get; init; } = [1, 8, 64];

    /// <summary>
    /// How many processes of a kind the contention step crowds together (<see cref="Contracts.ProcessContention"/>):
    /// 16, or twice the cores on a machine with more than 8, so that there are always more than cores (the quick
    /// calibration: 8, or twice the cores, so that a first compare starts half as many).
    /// </summary>
    public int ContentionProcesses { get; init; } = Math.Max(16, 2 * Environment.ProcessorCount);

    /// <summary>Seconds each of the contention step's two measurements runs (the .NET kind: in all, over its <see cref="ContentionSamples"/>).</summary>
    public double ContentionSeconds { get; init; } = 1.0;

    /// <summary>
    /// How many times the .NET crowd (a ring, then pairs) is measured, at moments spread over the calibration (its
    /// start, the .NET kind's place, its end), each a fresh crowd for <see cref="ContentionSeconds"/> over this many
    /// after its own warm-up of a quarter of <see cref="ContentionSeconds"/>; each figure is the median sample's. The
    /// quick calibration takes one (each sample starts two crowds: on the loaded 2-core VM three took a quick
    /// calibration from about 22 s to 39 s), at the .NET kind's place.
    /// </summary>
    public int ContentionSamples { get; init; } = 3;

    /// <summary>Every IPC of a kind of process (true), or only its first (pipe).</summary>
    public bool AllIpcs { get; init; } = true;

    /// <summary>Thread starts timed (the median is kept).</summary>
    public int ThreadStarts { get; init; } = 50;

    /// <summary>Threads parked at once when their resident cost is read.</summary>
    public int ParkedThreads { get; init; } = 200;

    /// <summary>What <c>processmesh calibrate</c> measures (about 45 s on a 2-core machine).</summary>
    public static CalibrationPlan Full { get; } = new();

    /// <summary>The subset a first <c>compare</c> needs: start, idle footprint, 8 B messages over a pipe (a few seconds).</summary>
    public static CalibrationPlan QuickPlan { get; } = new()
    {
        Quick = true,
        Sizes = [8],
        MessageSeconds = 0.5,
        StartRepeats = 3,
        Crowds = [1],
        AllIpcs = false,
        ContentionProcesses = Math.Max(8, 2 * Environment.ProcessorCount),
        ContentionSeconds = 0.25,
        ContentionSamples = 1,
        ThreadStarts = 20,
        ParkedThreads = 100,
    };
}
