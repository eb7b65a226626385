using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// What isolation cost in memory at one worker count: the <c>process</c> model against the <c>thread</c> model
/// on the same workload, both measured as heap growth per live worker. A difference no larger than the two
/// records' own spread over repeats is not a cost: <see cref="MemoryVerdict"/> says so.
/// </summary>
internal sealed record IsolationCost(
    int Workers,
    double ProcessWallSeconds,
    double ThreadWallSeconds,
    long ProcessMessages,
    double? ExtraMicrosecondsPerMessage,
    long ExtraBytesPerWorker)
{
    /// <summary>Half the spread over repeats of both records' memory per worker, bytes: what the difference must exceed.</summary>
    public long ExtraBytesPerWorkerNoise { get; init; }

    /// <summary><c>measured</c>, <c>within noise</c> (|difference| no larger than the noise), <c>below resolution</c> (negative beyond it) or <c>noise unknown</c> (one repeat).</summary>
    public string MemoryVerdict { get; init; } = Verdicts.Measured;

    /// <summary>What <see cref="ExtraMicrosecondsPerMessage"/> was measured by (the hand-off, not this workload's wall time).</summary>
    public string? ExtraMicrosecondsPerMessageMeasuredBy { get; init; }

    /// <summary>One cost per worker count at which both models ran; the time per message comes from <paramref name="handOff"/>.</summary>
    public static IReadOnlyList<IsolationCost> From(IReadOnlyList<RunResult> results, HandOffCost? handOff) =>
        [.. results.Where(r => r.Model == Models.Process)
            .Select(p => (Process: p, Thread: results.FirstOrDefault(t => t.Model == Models.Thread && t.Workers == p.Workers)))
            .Where(pair => pair.Thread is not null)
            .Select(pair =>
            {
                var (p, t) = (pair.Process, pair.Thread!);
                var extra = p.MemoryPerWorkerBytes - t.MemoryPerWorkerBytes;
                var noise = HalfRange(p) + HalfRange(t);
                return new IsolationCost(p.Workers, p.WallSeconds, t.WallSeconds, p.Messages, handOff?.ExtraMicrosecondsPerMessage, extra)
                {
                    ExtraBytesPerWorkerNoise = noise,
                    MemoryVerdict = Verdicts.Of(extra, noise, Math.Min(p.Repeats, t.Repeats)),
                    ExtraMicrosecondsPerMessageMeasuredBy = handOff?.MeasuredBy,
                };
            })];

    private static long HalfRange(RunResult r) =>
        r.MemoryPerWorkerBytesMin is { } lo && r.MemoryPerWorkerBytesMax is { } hi ? (hi - lo + 1) / 2 : 0;
}

/// <summary>
/// The extra time a message costs a process over a shared-memory hand-off, isolated from any workload: the
/// pingpong hand-off run in both models at the same worker count (one pair, the processes on one silo), its wall
/// time divided by its messages (a round trip is two: a call and its reply, or two hand-offs). On a cluster the
/// pair also runs with its two processes on two silos: what crossing a silo boundary adds to a message.
/// </summary>
internal sealed record HandOffCost(int Workers, long RoundTrips, int Repeats, double ProcessMicrosPerMessage, double ThreadMicrosPerMessage, double NoiseMicros)
{
    /// <summary>A process message between two silos, microseconds; null on one silo.</summary>
    public double? CrossSiloMicrosPerMessage { get; init; }

    /// <summary>Half the spread of the in-silo and cross-silo figures over repeats, microseconds.</summary>
    public double CrossSiloNoiseMicros { get; init; }

    /// <summary>What crossing a silo boundary adds to a process message, microseconds; null on one silo.</summary>
    public double? CrossingMicrosecondsPerMessage => CrossSiloMicrosPerMessage - ProcessMicrosPerMessage;

    /// <summary>The verdict on <see cref="CrossingMicrosecondsPerMessage"/>; null on one silo.</summary>
    public string? CrossingVerdict => CrossingMicrosecondsPerMessage is { } c ? Verdicts.Of(c, CrossSiloNoiseMicros, Repeats) : null;

    /// <summary>Workers of the hand-off run: one pair.</summary>
    public const int PairWorkers = 2;

    /// <summary>Round trips of each hand-off run: short, but long enough to be steady after the warm-up.</summary>
    public const long DefaultRoundTrips = 10_000;

    /// <summary>Process minus thread, microseconds per message.</summary>
    public double ExtraMicrosecondsPerMessage => ProcessMicrosPerMessage - ThreadMicrosPerMessage;

    /// <summary><c>measured</c>, <c>within noise</c>, <c>below resolution</c> or <c>noise unknown</c>.</summary>
    public string Verdict => Verdicts.Of(ExtraMicrosecondsPerMessage, NoiseMicros, Repeats);

    /// <summary>How it was measured, in a few words.</summary>
    public string MeasuredBy => $"pingpong hand-off, {Workers} workers, {RoundTrips:N0} round trips";

    /// <summary>
    /// The specs to run: the pair as processes on one silo and as threads, and on a cluster of
    /// <paramref name="silos"/> also as processes on two silos; none when the comparison lacks one of the models.
    /// </summary>
    public static IReadOnlyList<RunSpec> Specs(IReadOnlyCollection<string> models, int silos)
    {
        if (!models.Contains(Models.Process) || !models.Contains(Models.Thread))
        {
            return [];
        }

        var pair = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = PairWorkers, Work = DefaultRoundTrips, Placement = Placements.Local };
        return silos > 1
            ? [pair, pair with { Model = Models.Thread }, pair with { Placement = Placements.Spread }]
            : [pair, pair with { Model = Models.Thread }];
    }

    /// <summary>The cost from the two measured hand-offs.</summary>
    public static HandOffCost? From(IReadOnlyList<RunResult> handOffs)
    {
        if (handOffs.FirstOrDefault(r => r.Model == Models.Process && r.CrossSiloMessages is null or 0) is not { } p
            || handOffs.FirstOrDefault(r => r.Model == Models.Thread) is not { } t)
        {
            return null;
        }

        double PerMessage(RunResult r, double wall) => wall * 1e6 / (2.0 * r.Work);
        double HalfRange(RunResult r) => (PerMessage(r, r.WallSecondsMax) - PerMessage(r, r.WallSecondsMin)) / 2;
        var cross = handOffs.FirstOrDefault(r => r.Model == Models.Process && r.CrossSiloMessages > 0);
        return new HandOffCost(p.Workers, p.Work, p.Repeats, PerMessage(p, p.WallSeconds), PerMessage(t, t.WallSeconds), HalfRange(p) + HalfRange(t))
        {
            CrossSiloMicrosPerMessage = cross is null ? null : PerMessage(cross, cross.WallSeconds),
            CrossSiloNoiseMicros = cross is null ? 0 : HalfRange(p) + HalfRange(cross),
        };
    }
}

/// <summary>
/// Whether a difference is a cost: above its noise, within it, negative beyond it (the measure cannot resolve
/// it), or of unknown noise (one repeat has no spread).
/// </summary>
internal static class Verdicts
{
    public const string Measured = "measured";
    public const string WithinNoise = "within noise";
    public const string BelowResolution = "below resolution";
    public const string NoiseUnknown = "noise unknown";

    public static string Of(double difference, double noise, int repeats) =>
        difference < 0 && (repeats < 2 || -difference > noise) ? BelowResolution
        : repeats < 2 ? NoiseUnknown
        : Math.Abs(difference) <= noise ? WithinNoise
        : Measured;
}
