using System.Diagnostics;

namespace ProcessMesh.Load;

/// <summary>
/// The settled calls of a drive (or of one lane of it), each put in exactly one class and recorded once:
/// <list type="bullet">
/// <item><b>completed</b>: answered within the timeout; recorded at its latency, in both histograms;</item>
/// <item><b>timed out</b>: answered later than the timeout, or still unanswered when the drive closed; recorded at
/// how long it had waited when it was counted (its latency, or the time to the close), never below the timeout;</item>
/// <item><b>failed</b>: threw; recorded at the time it took to fail, but never below the timeout, since the
/// caller got no answer: fast failures under overload must not make the percentiles read faster.</item>
/// </list>
/// <see cref="Latency"/> therefore holds every call and no percentile of it is below the same percentile of
/// <see cref="CompletedLatency"/>. Not thread-safe: its owner guards it.
/// </summary>
public sealed class CallTally(TimeSpan timeout)
{
    private readonly long _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Calls answered within the timeout.</summary>
    public long Completed { get; private set; }

    /// <summary>Calls that threw.</summary>
    public long Errors { get; private set; }

    /// <summary>Calls answered after the timeout or not at all.</summary>
    public long Timeouts { get; private set; }

    /// <summary>Calls settled: completed, failed or timed out.</summary>
    public long Settled => Completed + Errors + Timeouts;

    /// <summary>Every settled call's latency (failures and timeouts as above).</summary>
    public LatencyRecorder Latency { get; } = new();

    /// <summary>The completed calls' latencies only.</summary>
    public LatencyRecorder CompletedLatency { get; } = new();

    /// <summary>Settles a call that answered (or threw) after <paramref name="elapsedTicks"/>; true if it completed.</summary>
    public bool Answered(long elapsedTicks, bool failed)
    {
        if (failed)
        {
            Errors++;
            Latency.RecordTicks(Math.Max(elapsedTicks, _timeoutTicks));
            return false;
        }

        if (elapsedTicks > _timeoutTicks)
        {
            Timeouts++;
            Latency.RecordTicks(elapsedTicks);
            return false;
        }

        Completed++;
        Latency.RecordTicks(elapsedTicks);
        CompletedLatency.RecordTicks(elapsedTicks);
        return true;
    }

    /// <summary>Settles a call still unanswered when the drive closed, <paramref name="elapsedTicks"/> after it was due: a timeout.</summary>
    public void Unanswered(long elapsedTicks)
    {
        Timeouts++;
        Latency.RecordTicks(Math.Max(elapsedTicks, _timeoutTicks));
    }

    /// <summary>Adds <paramref name="other"/>'s calls to this tally.</summary>
    public CallTally Add(CallTally other) => Add(other.Completed, other.Errors, other.Timeouts, other.Latency, other.CompletedLatency);

    /// <summary>Adds calls another tally settled (another silo's share of a drive), with their latencies.</summary>
    public CallTally Add(long completed, long errors, long timeouts, LatencyRecorder latency, LatencyRecorder completedLatency)
    {
        Completed += completed;
        Errors += errors;
        Timeouts += timeouts;
        Latency.Add(latency);
        CompletedLatency.Add(completedLatency);
        return this;
    }
}
