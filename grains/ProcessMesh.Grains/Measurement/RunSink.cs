using System.Runtime.InteropServices;

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
    private readonly Stripe[] _stripes = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => new Stripe()).ToArray();
    private int _workers;
    private long _unitsDone;

    /// <summary>This process's CPU seconds when the sink was opened for the measured phase.</summary>
    public double CpuAtOpen { get; set; }

    /// <summary>Work units finished and answered on this silo (what a run that ends early did complete).</summary>
    public long UnitsDone => Volatile.Read(ref _unitsDone);

    /// <summary>Counts <paramref name="units"/> work units finished.</summary>
    public void Done(long units) => Interlocked.Add(ref _unitsDone, units);

    /// <summary>Latency of each message, chunk, step or hop recorded on the calling thread's stripe.</summary>
    public void Record(long startTimestamp) => Mine.Latency.RecordSince(startTimestamp);

    /// <summary>Records a duration in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public void RecordTicks(long ticks) => Mine.Latency.RecordTicks(ticks);

    /// <summary>Workers started on this silo.</summary>
    public int Workers => Volatile.Read(ref _workers);

    /// <summary>Counts a worker started on this silo.</summary>
    public void Started() => Interlocked.Increment(ref _workers);

    /// <summary>Counts <paramref name="messages"/> messages carrying <paramref name="payloadBytes"/> bytes between them.</summary>
    public void Count(long messages, long payloadBytes)
    {
        var stripe = Mine;
        Interlocked.Add(ref stripe.Counters.Messages, messages);
        Interlocked.Add(ref stripe.Counters.PayloadBytes, payloadBytes);
    }

    /// <summary>The ledger: a call to another process was issued.</summary>
    public void Sent(long calls = 1) => Interlocked.Add(ref Mine.Counters.Sent, calls);

    /// <summary>The ledger: a call was answered.</summary>
    public void Delivered(long calls = 1) => Interlocked.Add(ref Mine.Counters.Delivered, calls);

    /// <summary>The ledger: a call failed (its process was lost, or the run ended before it was answered).</summary>
    public void Failed(long calls = 1) => Interlocked.Add(ref Mine.Counters.Failed, calls);

    /// <summary>Messages (or shared-memory hand-offs) counted so far.</summary>
    public long Messages => _stripes.Sum(s => Volatile.Read(ref s.Counters.Messages));

    /// <summary>Payload bytes those messages carried.</summary>
    public long PayloadBytes => _stripes.Sum(s => Volatile.Read(ref s.Counters.PayloadBytes));

    /// <summary>The ledger so far. Calls sent and neither delivered nor failed are still in flight.</summary>
    public Ledger Ledger => new(
        _stripes.Sum(s => Volatile.Read(ref s.Counters.Sent)),
        _stripes.Sum(s => Volatile.Read(ref s.Counters.Delivered)),
        _stripes.Sum(s => Volatile.Read(ref s.Counters.Failed)));

    /// <summary>Every stripe's latencies, merged.</summary>
    public LatencyRecorder Latency => _stripes.Aggregate(new LatencyRecorder(), (all, s) => all.Add(s.Latency));

    private Stripe Mine => _stripes[Thread.GetCurrentProcessorId() % _stripes.Length];

    private sealed class Stripe
    {
        public readonly LatencyRecorder Latency = LatencyRecorder.Concurrent();
        public Padded Counters;
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
    }
}

/// <summary>The message ledger of a run: calls issued, answered and failed. At the end it balances: sent = delivered + failed.</summary>
[GenerateSerializer, Immutable, Alias("pm.Ledger")]
public readonly record struct Ledger([property: Id(0)] long Sent, [property: Id(1)] long Delivered, [property: Id(2)] long Failed)
{
    /// <summary>Calls still in flight.</summary>
    public long InFlight => Sent - Delivered - Failed;

    /// <summary>The sum of two ledgers.</summary>
    public static Ledger operator +(Ledger a, Ledger b) => new(a.Sent + b.Sent, a.Delivered + b.Delivered, a.Failed + b.Failed);
}
