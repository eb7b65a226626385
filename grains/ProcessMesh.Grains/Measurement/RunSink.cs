using System.Diagnostics;
using System.Runtime.InteropServices;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Measurement;

/// <summary>
/// What one silo measures of one run: the latencies, the traffic and the message ledger of every worker on it.
/// One sink per run per silo, opened before the clock starts and read after it stops, so the cost of measuring
/// is the same small constant in every model (a wait-free histogram record and a few uncontended adds per
/// message) and its memory does not grow with workers. It is striped by processor, so workers on different
/// cores never write the same cache line.
/// </summary>
public sealed class RunSink
{
    private readonly Stripe[] _stripes;
    private WorkerHomes _homes = WorkerHomes.None;
    private int _workers;
    private long _unitsDone;

    /// <summary>
    /// A sink for one run on this silo. With <paramref name="acrossSilos"/> it keeps a second latency histogram per
    /// stripe for messages that cross silos, made now, before memory is read, so it never counts as a worker's memory.
    /// </summary>
    public RunSink(bool acrossSilos = false) =>
        _stripes = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => new Stripe(acrossSilos)).ToArray();

    /// <summary>This process's CPU seconds when the measured phase was about to start.</summary>
    public double CpuAtOpen { get; set; }

    /// <summary>Memory of this silo's process before any worker of the run started on it.</summary>
    public MemoryReading MemoryBefore { get; set; }

    /// <summary>Memory of this silo's process once every worker of the run had started (null when none started here).</summary>
    public MemoryReading? MemoryAfter { get; set; }

    /// <summary>Where every worker of the run lives, told to the sink once they all started, before the clock.</summary>
    public WorkerHomes Homes
    {
        get => Volatile.Read(ref _homes);
        set => Volatile.Write(ref _homes, value);
    }

    /// <summary>Whether a message between a worker (or driver) on this silo and worker <paramref name="peer"/> crosses silos.</summary>
    public bool Crosses(int peer) => Homes.Crosses(peer);

    /// <summary>Whether a message between a worker on this silo and the run's driver (the coordinator) crosses silos.</summary>
    public bool CrossesDriver => Homes.CrossesDriver;

    /// <summary>Whether the run's workers live on more than one silo (a lap of a ring then crosses silos).</summary>
    public bool SpansSilos => Homes.SpansSilos;

    /// <summary>Work units finished and answered on this silo (what a run that ends early did complete).</summary>
    public long UnitsDone => Volatile.Read(ref _unitsDone);

    /// <summary>Counts <paramref name="units"/> work units finished.</summary>
    public void Done(long units) => Interlocked.Add(ref _unitsDone, units);

    /// <summary>Latency of each message, chunk, step or hop recorded on the calling thread's stripe.</summary>
    public void Record(long startTimestamp, bool crossSilo = false) => RecordTicks(Stopwatch.GetTimestamp() - startTimestamp, crossSilo);

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks, as crossing silos or not.</summary>
    public void RecordTicks(long ticks, bool crossSilo = false) => Mine.Latency(crossSilo).RecordTicks(ticks);

    /// <summary>Workers started on this silo.</summary>
    public int Workers => Volatile.Read(ref _workers);

    /// <summary>Counts a worker started on this silo.</summary>
    public void Started() => Interlocked.Increment(ref _workers);

    /// <summary>Counts <paramref name="messages"/> messages carrying <paramref name="payloadBytes"/> bytes between them.</summary>
    public void Count(long messages, long payloadBytes, bool crossSilo = false) => Count(ref Mine.Counters, messages, payloadBytes, crossSilo);

    /// <summary>
    /// A call answered, in one step: the ledger's delivery, the call's latency since <paramref name="startTimestamp"/>,
    /// its <paramref name="messages"/> and <paramref name="payloadBytes"/>, and <paramref name="units"/> work units
    /// done. The per-message path of the process model, so it touches one stripe once.
    /// </summary>
    public void Answered(long startTimestamp, long messages, long payloadBytes, long units, bool crossSilo)
    {
        var stripe = Mine;
        stripe.Latency(crossSilo).RecordSince(startTimestamp);
        Interlocked.Increment(ref stripe.Counters.Delivered);
        Count(ref stripe.Counters, messages, payloadBytes, crossSilo);
        if (units != 0)
        {
            Interlocked.Add(ref _unitsDone, units);
        }
    }

    /// <summary>The ledger: a call to another process was issued.</summary>
    public void Sent(long calls = 1) => Interlocked.Add(ref Mine.Counters.Sent, calls);

    /// <summary>The ledger: a call was answered.</summary>
    public void Delivered(long calls = 1) => Interlocked.Add(ref Mine.Counters.Delivered, calls);

    /// <summary>The ledger: a call failed (its process was lost, or the run ended before it was answered).</summary>
    public void Failed(long calls = 1) => Interlocked.Add(ref Mine.Counters.Failed, calls);

    /// <summary>Messages (or shared-memory hand-offs) counted so far.</summary>
    public long Messages => _stripes.Sum(s => Volatile.Read(ref s.Counters.Messages));

    /// <summary>Of those, messages between this silo and another.</summary>
    public long CrossSiloMessages => _stripes.Sum(s => Volatile.Read(ref s.Counters.CrossSiloMessages));

    /// <summary>Payload bytes those messages carried.</summary>
    public long PayloadBytes => _stripes.Sum(s => Volatile.Read(ref s.Counters.PayloadBytes));

    /// <summary>The ledger so far. Calls sent and neither delivered nor failed are still in flight.</summary>
    public Ledger Ledger => new(
        _stripes.Sum(s => Volatile.Read(ref s.Counters.Sent)),
        _stripes.Sum(s => Volatile.Read(ref s.Counters.Delivered)),
        _stripes.Sum(s => Volatile.Read(ref s.Counters.Failed)));

    /// <summary>Every stripe's latencies of messages (or steps) that stayed inside this silo, merged.</summary>
    public LatencyRecorder LocalLatency => _stripes.Aggregate(new LatencyRecorder(), (all, s) => all.Add(s.Local));

    /// <summary>Every stripe's latencies of messages (or steps) that crossed silos, merged.</summary>
    public LatencyRecorder CrossSiloLatency => _stripes.Aggregate(new LatencyRecorder(), (all, s) => s.Cross is null ? all : all.Add(s.Cross));

    private Stripe Mine => _stripes[Thread.GetCurrentProcessorId() % _stripes.Length];

    private static void Count(ref Padded counters, long messages, long payloadBytes, bool crossSilo)
    {
        Interlocked.Add(ref counters.Messages, messages);
        Interlocked.Add(ref counters.PayloadBytes, payloadBytes);
        if (crossSilo)
        {
            Interlocked.Add(ref counters.CrossSiloMessages, messages);
        }
    }

    private sealed class Stripe(bool acrossSilos)
    {
        public readonly LatencyRecorder Local = LatencyRecorder.Concurrent();
        public readonly LatencyRecorder? Cross = acrossSilos ? LatencyRecorder.Concurrent() : null;
        public Padded Counters;

        /// <summary>The histogram for one class of message (a sink made for one silo records everything as local).</summary>
        public LatencyRecorder Latency(bool crossSilo) => crossSilo ? Cross ?? Local : Local;
    }

    /// <summary>The counters of one stripe, padded to a cache line of their own.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Padded
    {
        [FieldOffset(64)] public long Messages;
        [FieldOffset(72)] public long PayloadBytes;
        [FieldOffset(80)] public long Sent;
        [FieldOffset(88)] public long Delivered;
        [FieldOffset(96)] public long Failed;
        [FieldOffset(104)] public long CrossSiloMessages;
    }
}

/// <summary>
/// Which silo each worker of a run lives on, as seen from one silo: what classes a message as crossing silos or
/// staying inside one. <paramref name="homes"/>[rank] indexes <paramref name="silos"/> (endpoints); a worker started
/// again elsewhere after a lost silo is <see cref="Moved"/>.
/// </summary>
public sealed class WorkerHomes(string[] silos, short[] homes, short here, short driver)
{
    /// <summary>Nothing known: every message counts as staying inside the silo (the thread models, or before the workers started).</summary>
    public static readonly WorkerHomes None = new([], [], 0, 0);

    /// <summary>
    /// Worker <paramref name="worker"/> now lives on silo <paramref name="silo"/> (an endpoint): it was started again
    /// there, so its messages from now on are classed by its new home. A silo that joined after the start is
    /// never this one (it was not told the homes).
    /// </summary>
    public void Moved(int worker, string silo)
    {
        if ((uint)worker < (uint)homes.Length)
        {
            homes[worker] = (short)Array.IndexOf(silos, silo);
        }
    }

    /// <summary>Whether worker <paramref name="peer"/> lives on another silo than this one.</summary>
    public bool Crosses(int peer) => (uint)peer < (uint)homes.Length && homes[peer] != here;

    /// <summary>Whether the run's driver (the coordinator) lives on another silo than this one.</summary>
    public bool CrossesDriver { get; } = driver != here;

    /// <summary>Whether the workers live on more than one silo.</summary>
    public bool SpansSilos { get; } = homes.Any(h => h != homes[0]);
}

/// <summary>The message ledger of a run: calls issued, answered and failed. At the end it balances: sent = delivered + failed.</summary>
[GenerateSerializer, Immutable, Alias("pm.Ledger")]
public readonly record struct Ledger([property: Id(0)] long Sent, [property: Id(1)] long Delivered, [property: Id(2)] long Failed)
{
    /// <summary>The sum of two ledgers.</summary>
    public static Ledger operator +(Ledger a, Ledger b) => new(a.Sent + b.Sent, a.Delivered + b.Delivered, a.Failed + b.Failed);
}
