namespace ProcessMesh.Contracts;

/// <summary>
/// What real OS processes and threads cost on one machine, measured by <c>processmesh calibrate</c>: the data every
/// emulated cost is read from (see docs/emulation.md). Written and read as JSON (camelCase), one file per machine.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.Calibration")]
public sealed record Calibration
{
    /// <summary>The machine these figures describe.</summary>
    [Id(0)] public CalibratedMachine Machine { get; init; } = new();

    /// <summary>When the figures were measured (UTC).</summary>
    [Id(1)] public DateTimeOffset MeasuredAt { get; init; }

    /// <summary>One entry per kind of process (<c>dotnet</c>, <c>python</c>).</summary>
    [Id(2)] public IReadOnlyList<ProcessCalibration> Processes { get; init; } = [];

    /// <summary>One entry per kind of thread (<c>dotnet</c>, <c>python</c>).</summary>
    [Id(3)] public IReadOnlyList<ThreadCalibration> Threads { get; init; } = [];

    /// <summary>One entry per way of passing a message and payload size.</summary>
    [Id(4)] public IReadOnlyList<MessageCalibration> Messages { get; init; } = [];

    /// <summary>Whether this is the quick calibration (fewer sizes and repeats), as a first <c>compare</c> makes.</summary>
    [Id(5)] public bool Quick { get; init; }

    /// <summary>
    /// The format this build writes, and the oldest it emulates from: 2 added <c>formatVersion</c>, each process's
    /// <c>startCpuMicros</c> and its <c>contention</c>; 3 measures the .NET kind's contention with the os model's own
    /// workers (a ring and pingpong pairs of <c>ProcessMesh.Worker mesh</c>), not a bare benchmark process; 4 takes
    /// every message figure as the median of short rounds (<c>ipc-bench</c>'s per size, the crowds' after a warm-up), not
    /// one stretch of a second, whose figures did not repeat; 5 takes a .NET round's one way from its mean round trip,
    /// not its median (as the os model's runs and the crowds count every message), and measures the os model's workers
    /// with their protocol compiled before the phase; 6 measures CPython's messages (<c>calibrate.py</c>'s
    /// <c>ipc-bench</c> and thread hand-off) by the same rule: rounds, one way from a round's mean round trip, not the
    /// phase's median, and no thread CPU clock read around every receive in the timed loop (1.5 µs a reading, a
    /// syscall, which added about 6 µs to each round trip); 7 measures the .NET crowd (a ring, then pairs) in samples
    /// spread over the calibration, each figure the median sample's, not one crowd at one moment, and the .NET thread
    /// hand-off by the rounds and mean rule, no thread CPU clock read around every receive of its timed loop; 8 measures
    /// each kind's quiet pair at 8 B over its first IPC (the figure a lone pingpong pair is emulated from, and the floor
    /// of its crowd's woken one way) in samples spread over the calibration, each figure the median sample's, not one
    /// run at one moment. Files before versions read as 0.
    /// </summary>
    public const int CurrentFormat = 8;

    /// <summary>
    /// The calibration format of the build that measured it (<see cref="CurrentFormat"/> for this one); 0 in files
    /// written before formats were numbered.
    /// </summary>
    [Id(6)] public int FormatVersion { get; init; }

    /// <summary>
    /// Null when this calibration has every figure this build's cost model reads; else the first one it lacks, named
    /// as in the JSON (<c>processes[dotnet].startCpuMicros</c>), or the older format it is in. A calibration cached by
    /// an older build is measured again; a <c>--calibration</c> file that lacks one is refused.
    /// </summary>
    public string? Lacks()
    {
        foreach (var process in Processes)
        {
            if (process.StartCpuMicros <= 0)
            {
                return $"processes[{process.Kind}].startCpuMicros";
            }

            if (process.Contention is not { Processes: > 0, WokenOneWayMicros: > 0, PairsCpuMicros: > 0 })
            {
                return $"processes[{process.Kind}].contention";
            }
        }

        return FormatVersion < CurrentFormat ? $"formatVersion {CurrentFormat} (it has {FormatVersion})" : null;
    }

    /// <summary>The process entry of <paramref name="kind"/>, or null when it was not measured.</summary>
    public ProcessCalibration? Process(string kind) => Processes.FirstOrDefault(p => p.Kind == kind);

    /// <summary>The thread entry of <paramref name="kind"/>, or null when it was not measured.</summary>
    public ThreadCalibration? Thread(string kind) => Threads.FirstOrDefault(t => t.Kind == kind);

    /// <summary>The message entries between processes of <paramref name="kind"/> over <paramref name="ipc"/>, by payload size.</summary>
    public IReadOnlyList<MessageCalibration> ProcessMessages(string kind, string ipc) =>
        [.. Messages.Where(m => m.Between == MessageCalibration.BetweenProcesses && m.Kind == kind && m.Ipc == ipc).OrderBy(m => m.PayloadBytes)];

    /// <summary>One line naming the calibration: "calibrated on host, 2026-12-07 04:00 UTC".</summary>
    public string Describe() => $"calibrated on {Machine.Name}, {MeasuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
}

/// <summary>The machine a calibration describes.</summary>
[GenerateSerializer, Immutable, Alias("pm.CalibratedMachine")]
public sealed record CalibratedMachine
{
    /// <summary>The machine's host name.</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>Logical cores.</summary>
    [Id(1)] public int Cores { get; init; }

    /// <summary>Physical memory, bytes.</summary>
    [Id(2)] public long MemoryBytes { get; init; }

    /// <summary>The operating system, as .NET describes it.</summary>
    [Id(3)] public string Os { get; init; } = "";

    /// <summary>The .NET runtime, e.g. ".NET 10.0.12".</summary>
    [Id(4)] public string Runtime { get; init; } = "";

    /// <summary>The CPython version (e.g. "3.11.2"), or null when no <c>python3</c> was on PATH.</summary>
    [Id(5)] public string? Python { get; init; }
}

/// <summary>What one kind of OS process costs to start and to keep.</summary>
[GenerateSerializer, Immutable, Alias("pm.ProcessCalibration")]
public sealed record ProcessCalibration
{
    /// <summary><c>dotnet</c> or <c>python</c>.</summary>
    [Id(0)] public string Kind { get; init; } = "";

    /// <summary>From spawn to the first answered message, microseconds (median).</summary>
    [Id(1)] public double StartMicros { get; init; }

    /// <summary>Resident set of one idle process, bytes (VmRSS).</summary>
    [Id(2)] public long ResidentBytes { get; init; }

    /// <summary>Proportional set size of one idle process alone, bytes (Pss, from /proc/PID/smaps_rollup).</summary>
    [Id(3)] public long PssBytes { get; init; }

    /// <summary>
    /// What each process adds to the machine's memory when many run (Pss per process with the most running):
    /// the footprint an emulated process holds.
    /// </summary>
    [Id(4)] public long ResidentBytesPerExtra { get; init; }

    /// <summary>Memory per process with 1, 8 and 64 running at once.</summary>
    [Id(5)] public IReadOnlyList<ProcessCrowd> Crowds { get; init; } = [];

    /// <summary>
    /// CPU one process burns from spawn to its first answered message, microseconds (median; every thread of it, from
    /// <c>/proc/PID/task/*/schedstat</c>); 0 when not measured (older calibrations).
    /// </summary>
    [Id(6)] public double StartCpuMicros { get; init; }

    /// <summary>
    /// What a message costs when more processes of this kind are awake than the machine has cores, or when it wakes a
    /// process that slept while others ran (format 2; null in older files): see <see cref="ProcessContention"/>.
    /// </summary>
    [Id(7)] public ProcessContention? Contention { get; init; }
}

/// <summary>
/// Messages among a crowd of real processes of one kind, over its first IPC (a pipe) at 8 B: what a quiet pair's
/// figures (<see cref="MessageCalibration"/>) leave out, the context switch and cold caches each message pays when the
/// process it wakes slept while others ran, or when more processes are runnable than there are cores.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.ProcessContention")]
public sealed record ProcessContention
{
    /// <summary>The IPC measured (<c>pipe</c>).</summary>
    [Id(0)] public string Ipc { get; init; } = "";

    /// <summary>Payload bytes per message.</summary>
    [Id(1)] public int PayloadBytes { get; init; }

    /// <summary>How many processes the crowd had (both measurements below).</summary>
    [Id(2)] public int Processes { get; init; }

    /// <summary>
    /// One way to a process that slept while the crowd's others were served, microseconds. .NET (format 3): the mean hop
    /// of a ring of <see cref="Processes"/> os model workers (wall time over hops) in the median of 5 slices of its
    /// phase. CPython: one process bounced a message off each of the others in turn; the median round trip less a quiet
    /// pair's one way (the way back, to a process that only waited for that one answer).
    /// </summary>
    [Id(3)] public double WokenOneWayMicros { get; init; }

    /// <summary>CPU both sides burn per message of that ring (.NET) or round robin (CPython): every process's CPU over the messages, microseconds.</summary>
    [Id(4)] public double WokenCpuMicros { get; init; }

    /// <summary>One way within a pair, mean, with <see cref="Processes"/>/2 pairs ping-ponging at once, microseconds.</summary>
    [Id(5)] public double PairsOneWayMicros { get; init; }

    /// <summary>
    /// CPU both sides burn per message with <see cref="Processes"/>/2 pairs ping-ponging at once (every process's CPU
    /// over the messages, from the phase's start: for .NET the os model's pingpong workers, CPython its
    /// <c>ipc-bench</c>), microseconds.
    /// </summary>
    [Id(6)] public double PairsCpuMicros { get; init; }
}

/// <summary>Memory per process with <see cref="Running"/> idle processes of one kind running at once.</summary>
[GenerateSerializer, Immutable, Alias("pm.ProcessCrowd")]
public sealed record ProcessCrowd
{
    /// <summary>How many were running.</summary>
    [Id(0)] public int Running { get; init; }

    /// <summary>Mean resident set per process, bytes.</summary>
    [Id(1)] public long ResidentBytes { get; init; }

    /// <summary>Mean Pss per process, bytes.</summary>
    [Id(2)] public long PssBytes { get; init; }

    /// <summary>
    /// Wall time from spawning the processes that joined this crowd, all at once, to the last one's first answered
    /// message, over their number, microseconds: a start per process as <c>--model os</c> measures it (its
    /// <c>startSeconds</c> over its workers); 0 when not measured.
    /// </summary>
    [Id(3)] public double StartMicros { get; init; }

    /// <summary>
    /// The CPU each process of the crowd had burned by then (every thread), mean, microseconds: what a start in a crowd
    /// of this size burns (format 3, .NET: os model workers started and wired); 0 when not measured.
    /// </summary>
    [Id(4)] public double StartCpuMicros { get; init; }
}

/// <summary>What one kind of thread costs to start and to keep.</summary>
[GenerateSerializer, Immutable, Alias("pm.ThreadCalibration")]
public sealed record ThreadCalibration
{
    /// <summary><c>dotnet</c> or <c>python</c>.</summary>
    [Id(0)] public string Kind { get; init; } = "";

    /// <summary>From start to running, microseconds (median).</summary>
    [Id(1)] public double StartMicros { get; init; }

    /// <summary>What one parked thread adds to the resident set, bytes.</summary>
    [Id(2)] public long ResidentBytes { get; init; }
}

/// <summary>What one message costs between two processes (or two threads) of one kind, over one IPC, at one payload size.</summary>
[GenerateSerializer, Immutable, Alias("pm.MessageCalibration")]
public sealed record MessageCalibration
{
    /// <summary>Between processes.</summary>
    public const string BetweenProcesses = "processes";

    /// <summary>Between threads of one process.</summary>
    public const string BetweenThreads = "threads";

    /// <summary><see cref="BetweenProcesses"/> or <see cref="BetweenThreads"/>.</summary>
    [Id(0)] public string Between { get; init; } = BetweenProcesses;

    /// <summary><c>dotnet</c> or <c>python</c>.</summary>
    [Id(1)] public string Kind { get; init; } = "";

    /// <summary><c>pipe</c>, <c>uds</c>, <c>tcp</c> (dotnet processes); <c>pipe</c>, <c>queue</c> (python processes); <c>handoff</c> (threads).</summary>
    [Id(2)] public string Ipc { get; init; } = "";

    /// <summary>Payload bytes the message carried.</summary>
    [Id(3)] public int PayloadBytes { get; init; }

    /// <summary>Half the measured round trip, microseconds.</summary>
    [Id(4)] public double OneWayMicros { get; init; }

    /// <summary>CPU the sending side burns per message, microseconds.</summary>
    [Id(5)] public double SenderCpuMicros { get; init; }

    /// <summary>CPU the receiving side burns per message, microseconds.</summary>
    [Id(6)] public double ReceiverCpuMicros { get; init; }
}
