using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using ProcessMesh.Grains.Telemetry;

namespace ProcessMesh.Silo.Http;

/// <summary>
/// The standalone silo's HTTP side on <see cref="HttpSettings.HttpPort"/>: health probes, Prometheus metrics and,
/// when asked for, the Orleans Dashboard. Added beside <see cref="SiloHosting.AddProcessMeshSilo"/>, which stays
/// free of HTTP for the CLI's embedded silo.
/// </summary>
public static class SiloHttp
{
    /// <summary>The meter Orleans records its runtime metrics on (activations, messages, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private const string StartupTag = "startup";
    private const string ReadyTag = "ready";

    /// <summary>
    /// <see cref="HttpSettings"/> bound from <paramref name="configuration"/> and validated as the host validates them on
    /// start (<see cref="ProcessMeshOptions"/>); a bad setting throws with a line naming it.
    /// </summary>
    public static HttpSettings ReadSettings(IConfiguration configuration) => ProcessMeshOptions.Read<HttpSettings>(configuration);

    /// <summary>Adds the HTTP services to a silo host that <see cref="SiloHosting.AddProcessMeshSilo"/> configured.</summary>
    /// <remarks>
    /// HTTP listens on <paramref name="address"/>, where the silo and gateway ports listen (<see cref="SiloIdentity.Listen"/>):
    /// loopback for a localhost silo, every address in a pod (the kubelet probes the pod IP, Prometheus scrapes it).
    /// </remarks>
    public static WebApplicationBuilder AddProcessMeshHttp(this WebApplicationBuilder builder, HttpSettings settings, System.Net.IPAddress address)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, settings.HttpPort));

        // The web server starts beside the silo, not after it (it is registered last): probes answer, 503 for
        // readiness, while the silo is still joining its cluster.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.Services.AddSingleton<SiloHealth>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloHealth>());
        builder.Services.AddHostedService<LeaveClusterFirst>();
        builder.Services.AddHealthChecks()
            .AddCheck<SiloHealth.StartedCheck>("started", tags: [StartupTag])
            .AddCheck<SiloHealth.ReadyCheck>("ready", tags: [ReadyTag]);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(OrleansMeter, ProcessMeshMetrics.MeterName)
            .AddPrometheusExporter());
        if (settings.Dashboard)
        {
            builder.UseOrleans(silo => silo.AddDashboard());
        }

        return builder;
    }

    /// <summary>Maps the probe paths, <c>/metrics</c> and the dashboard.</summary>
    public static WebApplication MapProcessMeshHttp(this WebApplication app, HttpSettings settings)
    {
        app.MapHealthChecks(SiloEndpoints.Live, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(SiloEndpoints.Startup, new HealthCheckOptions { Predicate = check => check.Tags.Contains(StartupTag) });
        app.MapHealthChecks(SiloEndpoints.Ready, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.UseZeroDurationHistogram();
        app.MapPrometheusScrapingEndpoint(SiloEndpoints.Metrics);
        if (settings.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: SiloEndpoints.Dashboard);
        }

        return app;
    }
}
