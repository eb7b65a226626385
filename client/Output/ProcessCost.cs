using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// What one way of being a process costs (DESIGN, "Calibration and emulation": <c>processCost</c>): a message of
/// 8 B one way, the memory each worker holds, and its start. <c>grain</c> is measured in the comparison itself;
/// <c>dotnet</c> and <c>python</c> are real OS processes, read from the calibration of the machine.
/// </summary>
/// <param name="As"><c>grain</c>, <c>dotnet</c> or <c>python</c>.</param>
/// <param name="MicrosPerMessage">One message one way, microseconds (grain: the pingpong hand-off; a process: 8 B over its profile's default IPC).</param>
/// <param name="BytesPerWorker">Memory per worker, bytes (grain: measured growth per live worker; a process: Pss per extra process with many running).</param>
/// <param name="StartMicros">Starting one worker, microseconds (grain: the measured start of the workers over their number; a process: spawn to first answered message).</param>
/// <param name="Source"><c>measured</c> (in this comparison) or <c>calibrated</c> (from the calibration <see cref="CalibratedOn"/> names).</param>
internal sealed record ProcessCost(string As, double MicrosPerMessage, long BytesPerWorker, double? StartMicros, string Source)
{
    /// <summary>The source of a figure measured in the comparison.</summary>
    public const string Measured = "measured";

    /// <summary>The source of a figure read from the machine's calibration.</summary>
    public const string Calibrated = "calibrated";

    /// <summary>Which calibration a calibrated figure comes from: "calibrated on host, 2026-12-07 04:00 UTC"; null when measured.</summary>
    public string? CalibratedOn { get; init; }

    /// <summary>The IPC a process's message figure is over (null for a grain): its profile's default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Ipc { get; init; }

    /// <summary>
    /// One entry per way of being a process: <c>grain</c> from the comparison's records and hand-off, then
    /// <c>dotnet</c> and (when <paramref name="withPython"/> and calibrated) <c>python</c> from <paramref name="calibration"/>.
    /// Empty without a hand-off (the comparison lacks process or thread).
    /// </summary>
    public static IReadOnlyList<ProcessCost> From(IReadOnlyList<RunResult> runs, HandOffCost? handOff, Calibration? calibration, bool withPython)
    {
        if (handOff is null)
        {
            return [];
        }

        var grain = GrainRecord(runs);
        List<ProcessCost> costs =
        [
            new(Emulation.Grain, handOff.ProcessMicrosPerMessage, grain?.MemoryPerWorkerBytes ?? 0,
                grain?.StartSeconds is { } s ? s * 1e6 / grain.Workers : null, Measured),
        ];
        if (calibration is null)
        {
            return costs;
        }

        foreach (var kind in withPython ? new[] { Emulation.DotNet, Emulation.Python } : [Emulation.DotNet])
        {
            if (calibration.Process(kind) is not { } process)
            {
                continue;
            }

            var ipc = CostModel.IpcOrDefault(kind, null);
            var eight = calibration.ProcessMessages(kind, ipc).OrderBy(m => m.PayloadBytes).FirstOrDefault();
            if (eight is null)
            {
                continue;
            }

            costs.Add(new ProcessCost(kind, eight.OneWayMicros, process.ResidentBytesPerExtra, process.StartMicros, Calibrated) { Ipc = ipc, CalibratedOn = calibration.Describe() });
        }

        return costs;
    }

    /// <summary>The grain process record the figures come from: the most workers, emulating nothing.</summary>
    internal static RunResult? GrainRecord(IReadOnlyList<RunResult> runs) =>
        runs.Where(r => r.Model == Models.Process && r.Emulate is null or Emulation.Grain).MaxBy(r => r.Workers);

    /// <summary>The thread record memory per worker comes from: the most workers.</summary>
    internal static RunResult? ThreadRecord(IReadOnlyList<RunResult> runs) =>
        runs.Where(r => r.Model == Models.Thread).MaxBy(r => r.Workers);
}

/// <summary>
/// What a thread costs (DESIGN: <c>threadCost</c>): the measured hand-off, the measured memory per worker, and the
/// calibrated start of a .NET thread.
/// </summary>
/// <param name="MicrosPerMessage">A shared-memory hand-off, microseconds (the pingpong hand-off, measured).</param>
/// <param name="BytesPerWorker">Memory growth per live thread worker, bytes (measured, at the most workers).</param>
/// <param name="StartMicros">Starting a .NET thread, microseconds (calibrated); null without a calibration.</param>
internal sealed record ThreadCost(double MicrosPerMessage, long BytesPerWorker, double? StartMicros)
{
    /// <summary>The thread's cost, or null without a hand-off.</summary>
    public static ThreadCost? From(IReadOnlyList<RunResult> runs, HandOffCost? handOff, Calibration? calibration) =>
        handOff is null
            ? null
            : new ThreadCost(handOff.ThreadMicrosPerMessage, ProcessCost.ThreadRecord(runs)?.MemoryPerWorkerBytes ?? 0, calibration?.Thread(Emulation.DotNet)?.StartMicros);
}
