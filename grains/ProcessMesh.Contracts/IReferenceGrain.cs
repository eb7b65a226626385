namespace ProcessMesh.Contracts;

/// <summary>
/// The real runtimes the scenarios set beside the models, run on the cluster's machine (the silo the call lands
/// on), never on the client's: CPython running the scenarios' reference script, and idle runtime processes whose
/// resident memory the kernel reports. Every child it starts is a process of its own, killed by the silo when the
/// call ends or is cancelled. Stateless: call it with key <see cref="Key"/>.
/// </summary>
public interface IReferenceGrain : IGrainWithIntegerKey
{
    /// <summary>The key to call it with.</summary>
    const long Key = 0;

    /// <summary>Whether this silo's machine has CPython and the reference script, and where.</summary>
    Task<PythonPresence> FindPython();

    /// <summary>
    /// Runs one experiment of the reference script (<c>reference.py EXPERIMENT --repeats N [--min-seconds S]</c>) and
    /// returns the JSON it printed. Refused (<see cref="InvalidOperationException"/>) without CPython, when the script
    /// fails, or when it takes more than two minutes (<see cref="TimeoutException"/>).
    /// </summary>
    /// <param name="experiment">The script's experiment (gil-cpu, ipc-cost, ...).</param>
    /// <param name="repeats">Timed repeats of each variant.</param>
    /// <param name="minSeconds">Where given, the script scales its work until no timed run is under it.</param>
    /// <param name="cancellation">Stops it: the child is killed.</param>
    Task<string> RunPython(string experiment, int repeats, double? minSeconds, CancellationToken cancellation);

    /// <summary>
    /// Starts <paramref name="count"/> idle CPython interpreters at once, reads each one's resident memory, and
    /// stops them. Refused (<see cref="InvalidOperationException"/>) without CPython or when one does not start.
    /// </summary>
    Task<IReadOnlyList<IdleFootprint>> MeasureIdlePython(int count, CancellationToken cancellation);
}

/// <summary>CPython on the silo's machine: its executable and the reference script, or why there is none.</summary>
[GenerateSerializer, Immutable, Alias("pm.PythonPresence")]
public sealed record PythonPresence
{
    /// <summary>The silo that answered (<c>ip:port</c>): the machine its references run on.</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>python3's path there; null when it has none.</summary>
    [Id(1)] public string? Executable { get; init; }

    /// <summary>The reference script's path there.</summary>
    [Id(2)] public string Script { get; init; } = "";

    /// <summary>Why there is no CPython reference (python3 not on PATH, the script missing); null when there is one.</summary>
    [Id(3)] public string? Absent { get; init; }
}

/// <summary>What one idle process holds resident, as the kernel says.</summary>
[GenerateSerializer, Immutable, Alias("pm.IdleFootprint")]
public sealed record IdleFootprint
{
    /// <summary>VmRSS from <c>/proc/PID/status</c>: every page the process maps, shared libraries included, bytes.</summary>
    [Id(0)] public long RssBytes { get; init; }

    /// <summary>Pss from <c>/proc/PID/smaps_rollup</c> (shared pages divided among their sharers), bytes; null where the kernel has none.</summary>
    [Id(1)] public long? PssBytes { get; init; }
}
