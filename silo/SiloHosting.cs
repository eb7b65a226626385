using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ProcessMesh.Grains.Engines;

namespace ProcessMesh.Silo;

/// <summary>
/// Configures a ProcessMesh silo (the standalone host and the CLI's embedded default both use this) and the
/// Orleans clients that join one through its gateway (the CLI's --gateway and external load, the benchmarks).
/// </summary>
public static class SiloHosting
{
    /// <summary>Reads and checks <see cref="SiloSettings"/>; a bad setting throws with a message naming it.</summary>
    public static SiloSettings ReadSettings(IConfiguration configuration)
    {
        var settings = configuration.GetSection(SiloSettings.Section).Get<SiloSettings>() ?? new SiloSettings();
        var problems = settings.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(SiloSettings.Section, typeof(SiloSettings), problems);
        }

        return settings;
    }

    /// <summary>Adds an Orleans client that joins the silo of cluster <paramref name="clusterId"/> at <paramref name="gateway"/>.</summary>
    public static IHostApplicationBuilder AddProcessMeshClient(this IHostApplicationBuilder builder, IPEndPoint gateway, string clusterId)
    {
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateway);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = SiloSettings.DefaultClusterId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = new SiloSettings().ResponseTimeout);
        });
        return builder;
    }

    /// <summary>Adds an Orleans silo configured by <paramref name="settings"/> to the host.</summary>
    public static IHostApplicationBuilder AddProcessMeshSilo(this IHostApplicationBuilder builder, SiloSettings settings)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddSingleton(settings);
        builder.UseOrleans(silo =>
        {
            var primary = settings.PrimarySiloPort == 0 ? null : new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort);
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, primary, settings.ServiceId, settings.ClusterId);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            silo.Configure<GrainDirectoryOptions>(o => o.CachingStrategy = Enum.Parse<GrainDirectoryOptions.CachingStrategyType>(settings.DirectoryCaching, ignoreCase: true));
            silo.Services.AddProcessMeshEngines();
        });
        return builder;
    }
}
