using System.Diagnostics;
using HdrHistogram;
using HdrHistogram.Encoding;
using HdrHistogram.Utilities;
using ProcessMesh.Contracts;

namespace ProcessMesh.Load;

/// <summary>
/// An HdrHistogram of latencies in nanoseconds (1 ns to 1 hour, 3 significant digits, about 264 KiB). A run
/// keeps one concurrent recorder per silo (the grains' <c>RunSink</c>) that every worker there records into, so the
/// cost of measuring is the same in every model and does not grow with workers; recorders are merged, or
/// encoded to travel between grains.
/// </summary>
public sealed class LatencyRecorder
{
    private const long HighestNanoseconds = 3_600_000_000_000L;
    private const int Digits = 3;
    private static readonly double _nanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly HistogramBase _histogram;

    /// <summary>An empty recorder for one thread at a time.</summary>
    public LatencyRecorder() => _histogram = new LongHistogram(1, HighestNanoseconds, Digits);

    private LatencyRecorder(HistogramBase histogram) => _histogram = histogram;

    /// <summary>An empty recorder that many threads may record into at once (wait-free recording).</summary>
    public static LatencyRecorder Concurrent() => new(new LongConcurrentHistogram(1, HighestNanoseconds, Digits));

    /// <summary>Values recorded so far.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordSince(long startTimestamp) => RecordTicks(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks.</summary>
    public void RecordTicks(long ticks) => RecordNanoseconds((long)(ticks * _nanosecondsPerTick));

    /// <summary>Records a duration in nanoseconds, clamped into the histogram's range.</summary>
    public void RecordNanoseconds(long nanoseconds) => _histogram.RecordValue(Math.Clamp(nanoseconds, 1, HighestNanoseconds));

    /// <summary>Adds every value of <paramref name="other"/> to this recorder.</summary>
    public LatencyRecorder Add(LatencyRecorder other)
    {
        _histogram.Add(other._histogram);
        return this;
    }

    /// <summary>
    /// The HdrHistogram V2 encoding (runs of empty buckets folded, counts as variable-length integers: a few KiB), to
    /// send to another grain. Not the deflated form: HdrHistogram 2.5.0 reads a large deflated histogram back short
    /// (its inflating read stops at a block boundary) and fails, which a hosted load of 6 s already hit.
    /// </summary>
    public byte[] Encode()
    {
        // ByteBuffer neither wraps a caller's array nor exposes its own, so the encoding is read back byte by byte.
        var buffer = ByteBuffer.Allocate(_histogram.GetNeededByteBufferCapacity());
        var length = _histogram.Encode(buffer, HistogramEncoderV2.Instance);
        buffer.Position = 0;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return bytes;
    }

    /// <summary>Reads a recorder that <see cref="Encode"/> wrote (an empty array is an empty recorder).</summary>
    public static LatencyRecorder Decode(byte[] encoded) => encoded.Length == 0
        ? new LatencyRecorder()
        : new LatencyRecorder(HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(encoded), 0, decompressor: null));

    /// <summary>Merges encoded recorders.</summary>
    public static LatencyRecorder Merge(IEnumerable<byte[]> encoded)
    {
        var merged = new LatencyRecorder();
        foreach (var e in encoded)
        {
            merged.Add(Decode(e));
        }

        return merged;
    }

    /// <summary>Percentiles in microseconds.</summary>
    public LatencySummary Summarize()
    {
        if (_histogram.TotalCount == 0)
        {
            return new LatencySummary();
        }

        static double Micros(long ns) => ns / 1000.0;
        return new LatencySummary
        {
            Count = _histogram.TotalCount,
            P50 = Micros(_histogram.GetValueAtPercentile(50)),
            P90 = Micros(_histogram.GetValueAtPercentile(90)),
            P99 = Micros(_histogram.GetValueAtPercentile(99)),
            P999 = Micros(_histogram.GetValueAtPercentile(99.9)),
            Max = Micros(_histogram.GetMaxValue()),
            Mean = _histogram.GetMean() / 1000.0,
        };
    }
}
