using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// What isolation cost in memory at one worker count: the <c>process</c> model against the <c>thread</c> model
/// on the same workload, both measured as memory per live worker. Whether the difference is a cost is the noise
/// rule's to say (<see cref="Noise.Cost"/>): <see cref="MemoryVerdict"/>.
/// </summary>
internal sealed record IsolationCost(
    int Workers,
    double ProcessWallSeconds,
    double ThreadWallSeconds,
    long ProcessMessages,
    double? ExtraMicrosecondsPerMessage,
    long ExtraBytesPerWorker)
{
    /// <summary>Half the spread over repeats of both records' memory per worker, bytes: how far the noise reaches.</summary>
    public long ExtraBytesPerWorkerNoise { get; init; }

    /// <summary>The noise rule's verdict on <see cref="ExtraBytesPerWorker"/>.</summary>
    public Difference MemoryVerdict { get; init; } = Difference.NoSpread;

    /// <summary>What <see cref="ExtraMicrosecondsPerMessage"/> was measured by (the hand-off, not this workload's wall time).</summary>
    public string? ExtraMicrosecondsPerMessageMeasuredBy { get; init; }

    /// <summary>One cost per worker count at which both models ran; the time per message comes from <paramref name="handOff"/>.</summary>
    public static IReadOnlyList<IsolationCost> From(IReadOnlyList<RunResult> results, HandOffCost? handOff) =>
        [.. results.Where(r => r.Model == Models.Process)
            .Select(p => (Process: p, Thread: results.FirstOrDefault(t => t.Model == Models.Thread && t.Workers == p.Workers)))
            .Where(pair => pair.Thread is not null)
            .Select(pair =>
            {
                var (p, t) = (Memory(pair.Process), Memory(pair.Thread!));
                return new IsolationCost(pair.Process.Workers, pair.Process.WallSeconds, pair.Thread!.WallSeconds, pair.Process.Messages, handOff?.ExtraMicrosecondsPerMessage,
                    pair.Process.MemoryPerWorkerBytes - pair.Thread.MemoryPerWorkerBytes)
                {
                    ExtraBytesPerWorkerNoise = (long)Math.Ceiling(p.HalfRange + t.HalfRange),
                    MemoryVerdict = Noise.Cost(p, t),
                    ExtraMicrosecondsPerMessageMeasuredBy = handOff?.MeasuredBy,
                };
            })];

    private static Sample Memory(RunResult r) => Sample.Of(r.MemoryPerWorkerBytes, r.MemoryPerWorkerBytesMin, r.MemoryPerWorkerBytesMax, r.Repeats);
}

/// <summary>
/// The extra time a message costs a process over a shared-memory hand-off, isolated from any workload: the
/// pingpong hand-off run in both models at the same worker count (one pair, the processes on one silo), its wall
/// time divided by its messages (a round trip is two: a call and its reply, or two hand-offs). On a cluster the
/// pair also runs with its two processes on two silos: what crossing a silo boundary adds to a message.
/// Each figure is the median and range over repeats, microseconds per message.
/// </summary>
internal sealed record HandOffCost(int Workers, long RoundTrips, Sample Process, Sample Thread)
{
    /// <summary>A process message between two silos, microseconds; null on one silo.</summary>
    public Sample? CrossSilo { get; init; }

    /// <summary>Repeats of the runs the figures come from (the fewest among them).</summary>
    public int Repeats => Math.Min(Process.Count, Thread.Count);

    /// <summary>A process message inside one silo, microseconds (median repeat).</summary>
    public double ProcessMicrosPerMessage => Process.Median;

    /// <summary>A shared-memory hand-off, microseconds (median repeat).</summary>
    public double ThreadMicrosPerMessage => Thread.Median;

    /// <summary>Process minus thread, microseconds per message.</summary>
    public double ExtraMicrosecondsPerMessage => Process.Median - Thread.Median;

    /// <summary>Half the spread of the process and thread figures over repeats, microseconds: how far the noise reaches.</summary>
    public double NoiseMicros => Process.HalfRange + Thread.HalfRange;

    /// <summary>The noise rule's verdict on <see cref="ExtraMicrosecondsPerMessage"/>.</summary>
    public Difference Verdict => Noise.Cost(Process, Thread);

    /// <summary>A process message between two silos, microseconds (median repeat); null on one silo.</summary>
    public double? CrossSiloMicrosPerMessage => CrossSilo?.Median;

    /// <summary>What crossing a silo boundary adds to a process message, microseconds; null on one silo.</summary>
    public double? CrossingMicrosecondsPerMessage => CrossSilo?.Median - Process.Median;

    /// <summary>Half the spread of the cross-silo and in-silo process figures, microseconds.</summary>
    public double? CrossingNoiseMicros => CrossSilo?.HalfRange + Process.HalfRange;

    /// <summary>The noise rule's verdict on <see cref="CrossingMicrosecondsPerMessage"/>; null on one silo.</summary>
    public Difference? CrossingVerdict => CrossSilo is { } cross ? Noise.Cost(cross, Process) : null;

    /// <summary>What a process message between two silos costs over a hand-off, microseconds; null on one silo.</summary>
    public double? CrossSiloExtraMicrosecondsPerMessage => CrossSilo?.Median - Thread.Median;

    /// <summary>Half the spread of the cross-silo and thread figures, microseconds.</summary>
    public double? CrossSiloExtraNoiseMicros => CrossSilo?.HalfRange + Thread.HalfRange;

    /// <summary>The noise rule's verdict on <see cref="CrossSiloExtraMicrosecondsPerMessage"/>; null on one silo.</summary>
    public Difference? CrossSiloExtraVerdict => CrossSilo is { } cross ? Noise.Cost(cross, Thread) : null;

    /// <summary>Workers of the hand-off run: one pair.</summary>
    public const int PairWorkers = 2;

    /// <summary>Round trips of each hand-off run: short, but long enough to be steady after the warm-up.</summary>
    public const long DefaultRoundTrips = 10_000;

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

        var cross = handOffs.FirstOrDefault(r => r.Model == Models.Process && r.CrossSiloMessages > 0);
        return new HandOffCost(p.Workers, p.Work, PerMessage(p), PerMessage(t)) { CrossSilo = cross is null ? null : PerMessage(cross) };
    }

    /// <summary>A hand-off run's wall time per message, microseconds: a round trip is two messages.</summary>
    private static Sample PerMessage(RunResult r) => Sample.Wall(r).Scale(1e6 / (2.0 * r.Work));
}
