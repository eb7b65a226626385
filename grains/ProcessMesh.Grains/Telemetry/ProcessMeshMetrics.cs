using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Telemetry;

/// <summary>
/// ProcessMesh's own meter. Each finished run is recorded once, on the silo that coordinated it; a Prometheus
/// scrape of that silo exports the instruments as <c>processmesh_runs_total</c>, <c>processmesh_messages_total</c>,
/// <c>processmesh_run_workers</c>, <c>processmesh_run_grains</c>, <c>processmesh_run_duration_seconds</c> and
/// <c>processmesh_latency_microseconds</c>, each tagged with the run's model and workload. The counters and gauges
/// are observed at every scrape, so each is exported from the silo's first scrape on: at zero (a series with no
/// tags) before any run, as a Prometheus counter exists before it counts, so alerts and dashboards can be set up
/// first. OpenTelemetry exports a histogram only once it has a measurement, so the silo's /metrics adds the
/// duration histogram at zero (<see cref="DurationSeries"/>, <see cref="DurationBuckets"/>) until its first run.
/// </summary>
public static class ProcessMeshMetrics
{
    /// <summary>The meter's name: a metrics listener subscribes to it by this name.</summary>
    public const string MeterName = "ProcessMesh";

    /// <summary>The duration histogram's name in Prometheus text (the instrument <c>processmesh.run.duration</c>, in seconds).</summary>
    public const string DurationSeries = "processmesh_run_duration_seconds";

    /// <summary>What the duration histogram measures: its HELP line.</summary>
    public const string DurationHelp = "Wall time of each finished run's measured phase.";

    private static readonly KeyValuePair<string, object?>[] _untagged = [];

    /// <summary>The duration histogram's bucket bounds, seconds (its <c>le</c> labels, with <c>+Inf</c>).</summary>
    public static IReadOnlyList<double> DurationBuckets { get; } = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private static readonly Meter Meter = new(MeterName);

    private static readonly Totals<long> RunTotals = new(0);
    private static readonly Totals<long> MessageTotals = new(0);
    private static readonly Totals<int> LastWorkers = new(0);
    private static readonly Totals<int> LastGrains = new(0);
    private static readonly Totals<double> LastLatency = new(0);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "processmesh.run.duration",
        "s",
        DurationHelp,
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    static ProcessMeshMetrics()
    {
        Meter.CreateObservableCounter("processmesh.runs", RunTotals.Observe, "{run}", "Runs finished (load drives included), by model, workload and whether the answer was correct.");
        Meter.CreateObservableCounter("processmesh.messages", MessageTotals.Observe, "{message}", "Messages the finished runs moved (a call and its reply are two; a shared-memory hand-off is one).");
        Meter.CreateObservableGauge("processmesh.run.workers", LastWorkers.Observe, "{worker}", "Workers (processes or threads) of the last finished run.");
        Meter.CreateObservableGauge("processmesh.run.grains", LastGrains.Observe, "{grain}", "Process grains in the last finished load run's population.");
        Meter.CreateObservableGauge("processmesh.latency", LastLatency.Observe, "us", "Latency percentiles of the last finished run, by percentile (p50, p90, p99, p999, max).");
    }

    /// <summary>
    /// Creates the meter and its instruments when the grains are loaded (the silo's start), not at the first run:
    /// a metrics listener finds them from its first collection on.
    /// </summary>
#pragma warning disable CA2255 // The silo loads this assembly at start; the meter must exist from then, before any grain runs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Start() => RuntimeHelpers.RunClassConstructor(typeof(ProcessMeshMetrics).TypeHandle);

    /// <summary>Records <paramref name="result"/> and returns it, so a grain can record what it returns.</summary>
    public static RunResult Record(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var model = new KeyValuePair<string, object?>("model", result.Model);
        var workload = new KeyValuePair<string, object?>("workload", result.Workload);
        RunTotals.Add(1, (a, b) => a + b, model, workload, new KeyValuePair<string, object?>("correct", result.Correct));
        MessageTotals.Add(result.Messages, (a, b) => a + b, model, workload);
        LastWorkers.Add(result.Workers, (_, b) => b, model, workload);
        if (result.Grains is { } grains)
        {
            LastGrains.Add(grains, (_, b) => b, model, workload);
        }

        Duration.Record(result.WallSeconds, model, workload);
        foreach (var (percentile, value) in new[]
                 {
                     ("p50", result.Latency.P50), ("p90", result.Latency.P90), ("p99", result.Latency.P99),
                     ("p999", result.Latency.P999), ("max", result.Latency.Max),
                 })
        {
            LastLatency.Add(value, (_, b) => b, model, workload, new KeyValuePair<string, object?>("percentile", percentile));
        }

        return result;
    }

    /// <summary>A value per tag set (a running total or the last value), observed at every collection; the untagged series starts at zero.</summary>
    private sealed class Totals<T>(T zero)
        where T : struct
    {
        private readonly ConcurrentDictionary<string, (KeyValuePair<string, object?>[] Tags, T Value)> _values = new() { [""] = (_untagged, zero) };

        public void Add(T value, Func<T, T, T> combine, params KeyValuePair<string, object?>[] tags) =>
            _values.AddOrUpdate(
                string.Join('|', tags.Select(t => $"{t.Key}={t.Value}")),
                _ => (tags, combine(zero, value)),
                (_, old) => (old.Tags, combine(old.Value, value)));

        public IEnumerable<Measurement<T>> Observe() => _values.Values.Select(v => new Measurement<T>(v.Value, v.Tags));
    }
}
