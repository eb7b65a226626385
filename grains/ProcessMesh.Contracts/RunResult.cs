namespace ProcessMesh.Contracts;

/// <summary>
/// One measured run: the same shape for every model. Fields are only ever added (scripts read the JSON form),
/// never renamed without a reason in the changelog.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.RunResult")]
public sealed record RunResult
{
    /// <summary>The model that ran.</summary>
    [Id(0)] public string Model { get; init; } = "";

    /// <summary>The workload, in lower case as the CLI spells it.</summary>
    [Id(1)] public string Workload { get; init; } = "";

    /// <summary>Workers (processes or threads).</summary>
    [Id(2)] public int Workers { get; init; }

    /// <summary>Active silos in the cluster during the run.</summary>
    [Id(3)] public int Silos { get; init; }

    /// <summary>Total work units.</summary>
    [Id(4)] public long Work { get; init; }

    /// <summary>Work units per message or chunk.</summary>
    [Id(5)] public long Granularity { get; init; }

    /// <summary>The shared-memory primitive (thread models), or null.</summary>
    [Id(6)] public string? Sync { get; init; }

    /// <summary>Measured repeats this record summarises (the median is reported).</summary>
    [Id(7)] public int Repeats { get; init; } = 1;

    /// <summary>Median wall time of the measured phase, seconds.</summary>
    [Id(8)] public double WallSeconds { get; init; }

    /// <summary>Fastest repeat, seconds.</summary>
    [Id(9)] public double WallSecondsMin { get; init; }

    /// <summary>Slowest repeat, seconds.</summary>
    [Id(10)] public double WallSecondsMax { get; init; }

    /// <summary>Work units per second (round trips for pingpong, hops for ring).</summary>
    [Id(11)] public double Throughput { get; init; }

    /// <summary>Time of one worker of the same model divided by this time; null when no one-worker run was made.</summary>
    [Id(12)] public double? Speedup { get; init; }

    /// <summary>Speedup divided by workers.</summary>
    [Id(13)] public double? Efficiency { get; init; }

    /// <summary>Messages moved (a call and its reply are two; a shared-memory hand-off is one).</summary>
    [Id(14)] public long Messages { get; init; }

    /// <summary>Bytes carried by those messages' payloads.</summary>
    [Id(15)] public long PayloadBytes { get; init; }

    /// <summary>
    /// Measured memory per worker, bytes: the larger of the resident-set growth and the managed-heap growth once
    /// every worker exists (grains started, threads parked), read the same way in every model.
    /// </summary>
    [Id(16)] public long MemoryPerWorkerBytes { get; init; }

    /// <summary>CPU time the silo's process used during the measured phase, seconds.</summary>
    [Id(17)] public double CpuSeconds { get; init; }

    /// <summary>CPU seconds over (wall seconds × cores).</summary>
    [Id(18)] public double CpuUtilisation { get; init; }

    /// <summary>
    /// Latency of each message, chunk or hand-off, microseconds. Load tests: of every call issued, failed and
    /// timed-out ones included, each at least the timeout (see <see cref="CompletedLatency"/>).
    /// </summary>
    [Id(19)] public LatencySummary Latency { get; init; } = new();

    /// <summary>Whether the actual answer equals the expected one.</summary>
    [Id(20)] public bool Correct { get; init; }

    /// <summary>The answer the workload must produce.</summary>
    [Id(21)] public string Expected { get; init; } = "";

    /// <summary>The answer the model produced.</summary>
    [Id(22)] public string Actual { get; init; } = "";

    /// <summary>Counter updates lost to unguarded shared memory.</summary>
    [Id(23)] public long LostUpdates { get; init; }

    /// <summary>The machine the run was measured on.</summary>
    [Id(24)] public MachineInfo Machine { get; init; } = new();

    /// <summary>Payload bytes per message requested.</summary>
    [Id(25)] public int PayloadBytesPerMessage { get; init; }

    /// <summary>Private memory requested per process worker, bytes.</summary>
    [Id(26)] public long MemoryBytesRequested { get; init; }

    /// <summary>Load tests: process grains in the population.</summary>
    [Id(27)] public int? Grains { get; init; }

    /// <summary>Load tests: seconds to activate the population.</summary>
    [Id(28)] public double? ActivationSeconds { get; init; }

    /// <summary>Load tests: grains activated per second.</summary>
    [Id(29)] public double? ActivationRate { get; init; }

    /// <summary>Load tests: the silo's heap growth per activated grain, bytes.</summary>
    [Id(30)] public long? MemoryPerGrainBytes { get; init; }

    /// <summary>Load tests: calls that failed (threw).</summary>
    [Id(31)] public long? Errors { get; init; }

    /// <summary>Load tests: calls slower than the timeout, or still unanswered when the drive closed (one timeout after its end).</summary>
    [Id(32)] public long? Timeouts { get; init; }

    /// <summary>Load tests: <c>hosted</c> or <c>external</c>.</summary>
    [Id(33)] public string? Path { get; init; }

    /// <summary>Load tests: <c>closed</c> (fixed concurrency) or <c>open</c> (fixed rate, latencies corrected for coordinated omission).</summary>
    [Id(34)] public string? LoadMode { get; init; }

    /// <summary>
    /// Load tests: calls issued in the measured drive. Each is counted once: <c>calls = completed + errors + timeouts</c>
    /// (a reply that comes after the drive closed is ignored; its call was already counted as a timeout).
    /// </summary>
    [Id(35)] public long? Calls { get; init; }

    /// <summary>Sweeps: the silo's live heap before this point started, bytes.</summary>
    [Id(36)] public long? HeapBeforeBytes { get; init; }

    /// <summary>Sweeps: the silo's live heap after this point cleaned up, bytes.</summary>
    [Id(37)] public long? HeapAfterBytes { get; init; }

    /// <summary>Load tests: the slowest measured drive's throughput.</summary>
    [Id(38)] public double? ThroughputMin { get; init; }

    /// <summary>Load tests: the fastest measured drive's throughput.</summary>
    [Id(39)] public double? ThroughputMax { get; init; }

    /// <summary>Load tests: closed-loop callers (processes) or threads driving the population.</summary>
    [Id(40)] public int? Concurrency { get; init; }

    /// <summary>
    /// Open-loop load tests: latency from when each completed call was actually sent, microseconds. <see cref="Latency"/>
    /// counts from when it was due; the difference is the schedule's lateness (the pacer, or a silo so busy
    /// that the pacer ran late).
    /// </summary>
    [Id(41)] public LatencySummary? ServiceLatency { get; init; }

    /// <summary>
    /// Open-loop load tests: how late each completed call was sent against its schedule, microseconds. When its p99 is
    /// most of <see cref="Latency"/>'s, the corrected latency is the sender's lateness (a machine that wakes
    /// sleeping threads late, or a silo so busy that the pacer ran late) more than the calls'.
    /// </summary>
    [Id(42)] public LatencySummary? SendLag { get; init; }

    /// <summary>Load tests: calls answered within the timeout; <see cref="Work"/> and <see cref="Throughput"/> count these.</summary>
    [Id(43)] public long? Completed { get; init; }

    /// <summary>
    /// Load tests: latency of the completed calls only, microseconds. <see cref="Latency"/> adds the failed and
    /// timed-out calls, so none of its percentiles is below this one's; the gap is what the failures cost.
    /// </summary>
    [Id(44)] public LatencySummary? CompletedLatency { get; init; }
    /// <summary>
    /// Growth of the silo's live managed heap per worker, bytes, read at the same moments as <see cref="MemoryPerWorkerBytes"/>
    /// (which is the larger of this and the resident set's growth): the part of a worker the runtime's collector sees.
    /// </summary>
    [Id(50)] public long HeapPerWorkerBytes { get; init; }

    /// <summary>Whether the resident growth was below what the reading can tell from noise (<see cref="MemoryResolutionBytes"/>).</summary>
    [Id(51)] public bool MemoryBelowResolution { get; init; }

    /// <summary>The smallest memory per worker the reading can tell from noise at this worker count, bytes.</summary>
    [Id(52)] public long MemoryResolutionBytes { get; init; }

    /// <summary>What a reader should know about this figure (a measured phase too short for steady state, ...).</summary>
    [Id(53)] public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// Whether speedup against one worker means something for this workload (not for <c>pingpong</c>, where one
    /// worker pings itself, nor <c>ring</c>, whose token is serial by design).
    /// </summary>
    [Id(54)] public bool SpeedupApplies { get; init; } = true;

    /// <summary>How process workers were placed (<c>spread</c>, <c>local</c>, <c>default</c>); null for the thread models.</summary>
    [Id(55)] public string? Placement { get; init; }

    /// <summary>Per silo: workers held, messages, heap and CPU (process model; one entry for the thread models).</summary>
    [Id(56)] public IReadOnlyList<SiloFigures> PerSilo { get; init; } = [];

    /// <summary>The message ledger (process model; null for the thread models, which send no messages).</summary>
    [Id(57)] public MessageLedger? Ledger { get; init; }

    /// <summary><c>completed</c>, <c>recovered</c> or <c>lost</c> (see <see cref="Outcomes"/>).</summary>
    [Id(58)] public string Outcome { get; init; } = Outcomes.Completed;

    /// <summary>Work units not done when the run ended early (outcome <c>lost</c>).</summary>
    [Id(59)] public long LostWork { get; init; }

    /// <summary>Why the run ended early or had to recover, in one line; null when it completed.</summary>
    [Id(60)] public string? Failure { get; init; }

    /// <summary>
    /// Messages between workers (or a driver and workers) on different silos. Null for the shared-memory models,
    /// whose hand-offs never leave their silo.
    /// </summary>
    [Id(61)] public long? CrossSiloMessages { get; init; }

    /// <summary>Messages that stayed inside one silo (null for the shared-memory models).</summary>
    [Id(62)] public long? LocalMessages { get; init; }

    /// <summary>Latency of the messages (or steps) that crossed silos, microseconds; null when none did.</summary>
    [Id(63)] public LatencySummary? CrossSiloLatency { get; init; }

    /// <summary>Latency of the messages (or steps) that stayed inside one silo, microseconds; null when the run had no cross-silo ones (then it is <see cref="Latency"/>).</summary>
    [Id(64)] public LatencySummary? LocalLatency { get; init; }
    /// <summary>
    /// True on a one-worker record that <c>run</c> or <c>compare</c> added only as the reference for speedup
    /// (the user did not ask for one worker); null otherwise.
    /// </summary>
    [Id(47)] public bool? Baseline { get; init; }

    /// <summary>
    /// Load tests: what <see cref="Workers"/> counts: <c>grains</c> (process rows: the population) or <c>threads</c>
    /// (thread-model rows: the threads that call a population of <see cref="Grains"/> shared-memory objects).
    /// </summary>
    [Id(48)] public string? WorkersAre { get; init; }

    /// <summary>The smallest memory per worker among the measured repeats, bytes (the spread of <see cref="MemoryPerWorkerBytes"/>).</summary>
    [Id(45)] public long? MemoryPerWorkerBytesMin { get; init; }

    /// <summary>The largest memory per worker among the measured repeats, bytes.</summary>
    [Id(46)] public long? MemoryPerWorkerBytesMax { get; init; }

    /// <summary>What a process worker paid to be a process: <c>grain</c>, <c>dotnet</c> or <c>python</c> (process model only).</summary>
    [Id(65)] public string? Emulate { get; init; }

    /// <summary>The IPC emulated (process model) or used (os model): <c>pipe</c>, <c>uds</c>, <c>tcp</c>, <c>queue</c>.</summary>
    [Id(66)] public string? Ipc { get; init; }

    /// <summary><c>held</c> or <c>modelled</c>: whether the emulated footprint was allocated or only counted.</summary>
    [Id(67)] public string? Footprint { get; init; }

    /// <summary>Seconds the workers took to start (outside the measured phase): emulated or real process starts.</summary>
    [Id(68)] public double? StartSeconds { get; init; }

    /// <summary>The calibration the emulation used: its machine and when it was measured.</summary>
    [Id(69)] public CalibrationRef? Calibration { get; init; }

    /// <summary>Mean Pss per worker process, bytes (os model only: shared pages divided among the processes sharing them).</summary>
    [Id(70)] public long? PssPerWorkerBytes { get; init; }

    /// <summary>
    /// Every measured repeat's wall time, seconds, in the order they ran (null on a record of one run): the noise
    /// rule reads its band from them rather than from the fastest and slowest alone.
    /// </summary>
    [Id(71)] public IReadOnlyList<double>? WallSecondsRepeats { get; init; }

    /// <summary>
    /// A sweep's point: every repeat's throughput (calls a second for a load point), in the order they ran, one per
    /// pass over the sweep's points (null elsewhere): the noise rule reads a load point's band from them (a workload
    /// point's from <see cref="WallSecondsRepeats"/>).
    /// </summary>
    [Id(72)] public IReadOnlyList<double>? ThroughputRepeats { get; init; }
}

/// <summary>Which calibration a record's emulation was read from.</summary>
[GenerateSerializer, Immutable, Alias("pm.CalibrationRef")]
public sealed record CalibrationRef
{
    /// <summary>The calibrated machine's name.</summary>
    [Id(0)] public string Machine { get; init; } = "";

    /// <summary>When it was measured.</summary>
    [Id(1)] public DateTimeOffset MeasuredAt { get; init; }
}
