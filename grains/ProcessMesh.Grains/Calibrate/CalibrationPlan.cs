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
    /// Seconds each message benchmark runs at each size (and each thread hand-off): 0.7, so that the three samples of
    /// the .NET crowd (about 6 s each) keep a full calibration under 90 s with a margin (quiet, it took 88.7 s with 1.0
    /// and 82.8 to 86.9 s with 0.8; 0.7 takes about 3.4 s off: 18 message sizes and 8 hand-offs, each 1.35 times its
    /// time). A figure measured at one moment is off by the VM's swing of that moment (tens of percent), not by its
    /// count of round trips: five rounds of 0.14 s still hold, each, about 14,000 .NET round trips at 8 B over a pipe
    /// (1,000 to 2,300 CPython ones) and about 100 .NET ones at 1 MiB (about 30 over a CPython multiprocessing.Queue,
    /// whose 1 MiB round trip takes 5 ms).
    /// </summary>
    public double MessageSeconds { get; init; } = 0.7;

    /// <summary>
    /// How many times each kind's quiet pair is measured at its smallest size (8 B) over its first IPC (a pipe), at
    /// moments spread over the calibration as the .NET crowd is (<see cref="Samples.Spread"/>: its start, the kind's
    /// place, its end), each a fresh pair; each figure is the median sample's (<see cref="MessageBench.OfSamples"/>).
    /// The quick calibration takes one, at the kind's place.
    /// </summary>
    public int QuietSamples { get; init; } = 3;

    /// <summary>
    /// Seconds each quiet sample runs (<see cref="QuietSamples"/>; the other sizes and IPCs run <see cref="MessageSeconds"/>):
    /// 0.15, so that three samples, each a fresh pair started and warmed up, cost no more than the 0.8 s they replace:
    /// quiet, a lone sample ran 0.50 to 0.62 s from start to exit (.NET; its warm-up, half the first size's time, 0.075
    /// s) and 0.33 to 0.37 s (CPython), the kind's own run 3.8 s (.NET) and 3.6 s (CPython) with its 8 B at 0.15 s
    /// and the other sizes at 0.8 s against 5.0 and 4.5 s with all at 0.8 s, so about 0.15 s less for each kind. Five rounds of 0.03 s still hold about
    /// 3,000 .NET round trips each at 8 B (4.7 µs one way) and 540 CPython ones (27 µs), and read within the 0.8 s
    /// runs' spread beside them (4.66 to 4.74 µs against 4.72 to 4.89; 26.3 to 27.3 against 25.9 to 28.8).
    /// </summary>
    public double QuietSeconds { get; init; } = 0.15;

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

    /// <summary>What <c>processmesh calibrate</c> measures (about 71 s on the quiet 2-core VM, docs/calibration.md, "How long it takes").</summary>
    public static CalibrationPlan Full { get; } = new();

    /// <summary>The subset a first <c>compare</c> needs: start, idle footprint, 8 B messages over a pipe (a few seconds).</summary>
    public static CalibrationPlan QuickPlan { get; } = new()
    {
        Quick = true,
        Sizes = [8],
        MessageSeconds = 0.5,
        QuietSamples = 1,
        QuietSeconds = 0.5,
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
