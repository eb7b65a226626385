namespace ProcessMesh.Contracts;

/// <summary>One experiment: a workload executed by one model. Zero for a size means "the workload's default".</summary>
[GenerateSerializer, Immutable, Alias("pm.RunSpec")]
public sealed record RunSpec
{
    /// <summary>Largest worker count for a thread-based model (each worker is an OS thread).</summary>
    public const int MaxThreadWorkers = 4096;

    /// <summary>Largest worker count for the process model.</summary>
    public const int MaxProcessWorkers = 10_000_000;

    /// <summary>The model name (see <see cref="Models"/>).</summary>
    [Id(0)] public string Model { get; init; } = Models.Process;

    /// <summary>The workload.</summary>
    [Id(1)] public Workload Workload { get; init; } = Workload.Cpu;

    /// <summary>How many workers (processes or threads).</summary>
    [Id(2)] public int Workers { get; init; } = 1;

    /// <summary>Total work units: compute units, I/O waits, increments, cells, round trips or hops.</summary>
    [Id(3)] public long Work { get; init; }

    /// <summary>Work units per message (or per chunk a thread takes).</summary>
    [Id(4)] public long Granularity { get; init; }

    /// <summary>Extra payload bytes every message carries.</summary>
    [Id(5)] public int PayloadBytes { get; init; }

    /// <summary>Private memory each process worker allocates and touches, in bytes.</summary>
    [Id(6)] public long MemoryBytes { get; init; }

    /// <summary>The primitive thread workers use on shared state.</summary>
    [Id(7)] public SyncPrimitive Sync { get; init; } = SyncPrimitive.Lock;

    /// <summary>The interpreter lock's switch interval in milliseconds (<c>gil</c> only).</summary>
    [Id(8)] public double SwitchIntervalMs { get; init; } = DefaultSwitchIntervalMs;

    /// <summary>CPython's default switch interval, <c>sys.getswitchinterval()</c>: 5 ms.</summary>
    public const double DefaultSwitchIntervalMs = 5;

    /// <summary>Compute runs as native code that releases the interpreter lock (<c>gil</c> only).</summary>
    [Id(9)] public bool Native { get; init; }

    /// <summary>Time steps of the stencil workload.</summary>
    [Id(10)] public int Steps { get; init; }

    /// <summary>Milliseconds one simulated I/O wait blocks.</summary>
    [Id(11)] public double IoMillis { get; init; }

    /// <summary>Where process workers are placed (see <see cref="Placements"/>).</summary>
    [Id(12)] public string Placement { get; init; } = Placements.Spread;

    /// <summary>
    /// The longest the measured phase may take, seconds (0: <see cref="DefaultTimeLimitSeconds"/>). Past it every
    /// wait of the run ends and the run reports what completed, so no run can hang.
    /// </summary>
    [Id(13)] public double TimeLimitSeconds { get; init; }

    /// <summary>The time limit when none is given.</summary>
    public const double DefaultTimeLimitSeconds = 600;

    /// <summary>
    /// What a <c>process</c> worker pays to be a process (see <see cref="Emulation"/>): <c>grain</c> (nothing added),
    /// <c>dotnet</c> or <c>python</c> (the calibrated costs of that kind of OS process).
    /// </summary>
    [Id(14)] public string Emulate { get; init; } = Emulation.Grain;

    /// <summary>
    /// The IPC between processes: <c>pipe</c>, <c>uds</c>, <c>tcp</c> (dotnet, and the real <c>os</c> model) or
    /// <c>pipe</c>, <c>queue</c> (python). Null: the profile's first (<c>pipe</c>).
    /// </summary>
    [Id(15)] public string? Ipc { get; init; }

    /// <summary><c>held</c> (an emulated process's footprint is allocated and touched) or <c>modelled</c> (counted, not allocated).</summary>
    [Id(16)] public string Footprint { get; init; } = Emulation.Held;

    /// <summary>The calibration to emulate from, when the user named a file (<c>--calibration</c>); null: each silo's own.</summary>
    [Id(17)] public Calibration? Calibration { get; init; }

    /// <summary>Fills in every zero with the given defaults, so a result states what actually ran.</summary>
    public RunSpec Resolve(long defaultWork, long defaultGranularity) => this with
    {
        Work = Work > 0 ? Work : defaultWork,
        Granularity = Granularity > 0 ? Granularity : defaultGranularity,
        Steps = Steps > 0 ? Steps : DefaultSteps,
        IoMillis = IoMillis > 0 ? IoMillis : DefaultIoMillis,
        TimeLimitSeconds = TimeLimitSeconds > 0 ? TimeLimitSeconds : DefaultTimeLimitSeconds,
    };

    /// <summary>Stencil time steps when none are given.</summary>
    public const int DefaultSteps = 200;

    /// <summary>Milliseconds of one simulated I/O wait when none are given.</summary>
    public const double DefaultIoMillis = 2;
}
