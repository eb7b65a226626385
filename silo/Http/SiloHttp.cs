using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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

    /// <summary>Reads and checks <see cref="HttpSettings"/>; a bad setting throws with a message naming it.</summary>
    public static HttpSettings ReadSettings(IConfiguration configuration)
    {
        var section = configuration.GetSection(SiloSettings.Section);

        // The binder would throw on "abc" with a stack trace; each unreadable value is a line of its own instead.
        var unreadable = new List<string>();
        if (section[nameof(HttpSettings.HttpPort)] is { } port && !int.TryParse(port, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            unreadable.Add($"{SiloSettings.Section}:{nameof(HttpSettings.HttpPort)}: '{port}' is not a whole number");
        }

        if (section[nameof(HttpSettings.Dashboard)] is { } dashboard && !bool.TryParse(dashboard, out _))
        {
            unreadable.Add($"{SiloSettings.Section}:{nameof(HttpSettings.Dashboard)}: '{dashboard}' is not true or false");
        }

        if (unreadable.Count > 0)
        {
            throw new OptionsValidationException(SiloSettings.Section, typeof(HttpSettings), unreadable);
        }

        var settings = section.Get<HttpSettings>() ?? new HttpSettings();
        var problems = settings.Problems().ToList();
        return problems.Count == 0 ? settings : throw new OptionsValidationException(SiloSettings.Section, typeof(HttpSettings), problems);
    }

    /// <summary>Adds the HTTP services to a silo host that <see cref="SiloHosting.AddProcessMeshSilo"/> configured.</summary>
    public static WebApplicationBuilder AddProcessMeshHttp(this WebApplicationBuilder builder, HttpSettings settings)
    {
        // Every address: in a pod the kubelet probes the pod IP, and Prometheus scrapes it.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(settings.HttpPort));

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
        app.MapPrometheusScrapingEndpoint(SiloEndpoints.Metrics);
        if (settings.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: SiloEndpoints.Dashboard);
        }

        return app;
    }
}
