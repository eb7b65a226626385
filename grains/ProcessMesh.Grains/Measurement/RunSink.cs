namespace ProcessMesh.Grains.Measurement;

/// <summary>
/// What one silo measures of one run: the latencies and the traffic of every worker on it. One sink per run
/// per silo, opened before the clock starts and read after it stops, so the cost of measuring is the same small
/// constant in every model (a wait-free histogram record and two interlocked adds per message) and its memory
/// does not grow with workers.
/// </summary>
public sealed class RunSink
{
    private int _workers;
    private long _messages;
    private long _payloadBytes;

    /// <summary>Latency of each message, chunk, step or hop, from every worker on this silo.</summary>
    public LatencyRecorder Latency { get; } = LatencyRecorder.Concurrent();

    /// <summary>Workers started on this silo.</summary>
    public int Workers => Volatile.Read(ref _workers);

    /// <summary>Counts a worker started on this silo.</summary>
    public void Started() => Interlocked.Increment(ref _workers);

    /// <summary>Messages (or shared-memory hand-offs) counted so far.</summary>
    public long Messages => Volatile.Read(ref _messages);

    /// <summary>Payload bytes those messages carried.</summary>
    public long PayloadBytes => Volatile.Read(ref _payloadBytes);

    /// <summary>Counts <paramref name="messages"/> messages carrying <paramref name="payloadBytes"/> bytes between them.</summary>
    public void Count(long messages, long payloadBytes)
    {
        Interlocked.Add(ref _messages, messages);
        Interlocked.Add(ref _payloadBytes, payloadBytes);
    }
}
