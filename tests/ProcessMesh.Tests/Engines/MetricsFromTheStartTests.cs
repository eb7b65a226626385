using OpenTelemetry;
using OpenTelemetry.Metrics;
using ProcessMesh.Grains.Telemetry;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Tests.Engines;

/// <summary>
/// ProcessMesh's own series are exported from a metrics pipeline's first collection, at zero before any run (the
/// silo's /metrics is such a pipeline, built when the silo starts): alerts and dashboards can be set up first.
/// </summary>
public sealed class MetricsFromTheStartTests
{
    [Fact]
    public void Every_counter_and_gauge_is_exported_at_zero_from_the_first_collection()
    {
        _ = WorkloadCatalog.Names; // the grains are loaded, as a silo loads them at start
        var exporter = new Capture();
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(ProcessMeshMetrics.MeterName).AddReader(new BaseExportingMetricReader(exporter)).Build())
        {
            provider.ForceFlush();
        }

        // A fresh pipeline sees no measurement made before it existed: these come from the instruments themselves.
        string[] series = ["processmesh.runs", "processmesh.messages", "processmesh.run.workers", "processmesh.run.grains", "processmesh.latency"];
        Assert.All(series, name => Assert.True(exporter.Untagged.TryGetValue(name, out var value) && value == 0, $"{name} has no untagged series at zero (exported: {string.Join(", ", exporter.Untagged.Keys)})"));
    }

    /// <summary>Keeps the value of each metric's series without tags.</summary>
    private sealed class Capture : BaseExporter<Metric>
    {
        public Dictionary<string, double> Untagged { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    if (point.Tags.Count == 0)
                    {
                        Untagged[metric.Name] = metric.MetricType switch
                        {
                            MetricType.LongSum => point.GetSumLong(),
                            MetricType.DoubleSum => point.GetSumDouble(),
                            MetricType.LongGauge => point.GetGaugeLastValueLong(),
                            MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                            _ => double.NaN,
                        };
                    }
                }
            }

            return ExportResult.Success;
        }
    }
}
