using System.Diagnostics.Metrics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Telemetry;

/// <summary>
/// ProcessMesh's own meter. Each finished run is recorded once, on the silo that coordinated it; a Prometheus
/// scrape of that silo exports the instruments as <c>processmesh_runs_total</c>, <c>processmesh_messages_total</c>,
/// <c>processmesh_run_workers</c>, <c>processmesh_run_grains</c>, <c>processmesh_run_duration_seconds</c> and
/// <c>processmesh_latency_microseconds</c>, each tagged with the run's model and workload.
/// </summary>
public static class ProcessMeshMetrics
{
    /// <summary>The meter's name: a metrics listener subscribes to it by this name.</summary>
    public const string MeterName = "ProcessMesh";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "processmesh.runs", "{run}", "Runs finished (load drives included), by model, workload and whether the answer was correct.");

    private static readonly Counter<long> Messages = Meter.CreateCounter<long>(
        "processmesh.messages", "{message}", "Messages the finished runs moved (a call and its reply are two; a shared-memory hand-off is one).");

    private static readonly Gauge<int> Workers = Meter.CreateGauge<int>(
        "processmesh.run.workers", "{worker}", "Workers (processes or threads) of the last finished run.");

    private static readonly Gauge<int> Grains = Meter.CreateGauge<int>(
        "processmesh.run.grains", "{grain}", "Process grains in the last finished load run's population.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "processmesh.run.duration",
        "s",
        "Wall time of each finished run's measured phase.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });

    private static readonly Gauge<double> Latency = Meter.CreateGauge<double>(
        "processmesh.latency", "us", "Latency percentiles of the last finished run, by percentile (p50, p90, p99, p999, max).");

    /// <summary>Records <paramref name="result"/> and returns it, so a grain can record what it returns.</summary>
    public static RunResult Record(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var model = new KeyValuePair<string, object?>("model", result.Model);
        var workload = new KeyValuePair<string, object?>("workload", result.Workload);
        Runs.Add(1, model, workload, new KeyValuePair<string, object?>("correct", result.Correct));
        Messages.Add(result.Messages, model, workload);
        Workers.Record(result.Workers, model, workload);
        if (result.Grains is { } grains)
        {
            Grains.Record(grains, model, workload);
        }

        Duration.Record(result.WallSeconds, model, workload);
        foreach (var (percentile, value) in new[]
                 {
                     ("p50", result.Latency.P50), ("p90", result.Latency.P90), ("p99", result.Latency.P99),
                     ("p999", result.Latency.P999), ("max", result.Latency.Max),
                 })
        {
            Latency.Record(value, model, workload, new KeyValuePair<string, object?>("percentile", percentile));
        }

        return result;
    }
}
