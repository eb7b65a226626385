using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ProcessMesh.Grains.Telemetry;

namespace ProcessMesh.Silo.Http;

/// <summary>
/// Every <c>processmesh_*</c> series on <see cref="SiloEndpoints.Metrics"/> from the silo's first scrape, at zero, as
/// a Prometheus counter or histogram exists before it counts (alerts and dashboards can be set up first). The counters
/// and gauges are observed at every scrape and start at zero (<see cref="ProcessMeshMetrics"/>); OpenTelemetry exports a
/// histogram only once it has a measurement, so until the first run this adds the run-duration histogram's family at
/// zero, with its buckets, in the format the scrape asked for (Prometheus text, or OpenMetrics before its <c># EOF</c>).
/// </summary>
internal static class MetricsFromTheStart
{
    private const string OpenMetrics = "application/openmetrics-text";

    /// <summary>Adds the zero duration histogram to <c>/metrics</c> answers that have none yet.</summary>
    public static WebApplication UseZeroDurationHistogram(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.Equals(SiloEndpoints.Metrics, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var body = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = body;
            }

            var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            if (context.Response.StatusCode == StatusCodes.Status200OK && !text.Contains($"# TYPE {ProcessMeshMetrics.DurationSeries} ", StringComparison.Ordinal))
            {
                text = WithZeroHistogram(text, context.Response.ContentType?.StartsWith(OpenMetrics, StringComparison.Ordinal) == true);
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            if (!context.Response.HasStarted)
            {
                context.Response.ContentLength = bytes.Length;
            }

            await body.WriteAsync(bytes, context.RequestAborted);
        });
        return app;
    }

    /// <summary><paramref name="exposition"/> with the duration histogram's family at zero added (before <c># EOF</c> in OpenMetrics).</summary>
    public static string WithZeroHistogram(string exposition, bool openMetrics)
    {
        const string scope = $"otel_scope_name=\"{ProcessMeshMetrics.MeterName}\"";
        var name = ProcessMeshMetrics.DurationSeries;
        var family = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"# TYPE {name} histogram\n")
            .Append(openMetrics ? $"# UNIT {name} seconds\n" : "")
            .Append(CultureInfo.InvariantCulture, $"# HELP {name} {ProcessMeshMetrics.DurationHelp}\n");
        foreach (var bound in ProcessMeshMetrics.DurationBuckets)
        {
            family.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{scope},le=\"{bound.ToString(CultureInfo.InvariantCulture)}\"}} 0\n");
        }

        family.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{scope},le=\"+Inf\"}} 0\n")
            .Append(CultureInfo.InvariantCulture, $"{name}_sum{{{scope}}} 0\n")
            .Append(CultureInfo.InvariantCulture, $"{name}_count{{{scope}}} 0\n");
        const string eof = "# EOF";
        var end = openMetrics ? exposition.LastIndexOf(eof, StringComparison.Ordinal) : -1;
        return end >= 0 ? exposition[..end] + family + exposition[end..] : exposition + family;
    }
}
