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
    /// <summary>
    /// <see cref="SiloSettings"/> bound from <paramref name="configuration"/> and validated as the host validates them on
    /// start (<see cref="ProcessMeshOptions"/>), where the silo would stand included (<see cref="SiloIdentity"/>, from
    /// <paramref name="environment"/>: the process environment when null); a bad setting throws with a line naming it.
    /// </summary>
    public static SiloSettings ReadSettings(IConfiguration configuration, Func<string, string?>? environment = null) =>
        ProcessMeshOptions.Read<SiloSettings>(configuration, environment);

    /// <summary>Adds an Orleans client that joins the silo of cluster <paramref name="clusterId"/> at <paramref name="gateway"/>.</summary>
    public static IHostApplicationBuilder AddProcessMeshClient(this IHostApplicationBuilder builder, IPEndPoint gateway, string clusterId) =>
        builder.AddProcessMeshClient(ClusterAccess.ThroughGateways([gateway], clusterId));

    /// <summary>Adds an Orleans client that joins the cluster <paramref name="access"/> names.</summary>
    public static IHostApplicationBuilder AddProcessMeshClient(this IHostApplicationBuilder builder, ClusterAccess access)
    {
        builder.UseOrleansClient(client =>
        {
            client.UseProcessMeshClustering(access);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = new SiloSettings().ResponseTimeout);

            // A lost gateway is replaced from the list or the membership table within seconds, not the default minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        return builder;
    }

    /// <summary>
    /// Adds an Orleans silo configured by the <c>ProcessMesh</c> section of the builder's configuration: its settings
    /// are registered as options (<see cref="ProcessMeshOptions.AddProcessMeshSettings"/>, validated on start) and
    /// shape the silo (clustering, ports, timeouts). A bad setting throws <see cref="OptionsValidationException"/> here,
    /// with a line naming it, as the host would at start.
    /// </summary>
    public static IHostApplicationBuilder AddProcessMeshSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProcessMeshSettings(builder.Configuration);
        var settings = ReadSettings(builder.Configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        var identity = SiloIdentity.Resolve(settings, Environment.GetEnvironmentVariable);
        builder.Services.AddSingleton(identity);
        if (settings.UsesRedis)
        {
            builder.Services.AddHostedService<MembershipRestore>();
        }

        builder.UseOrleans(silo =>
        {
            silo.UseProcessMeshClustering(settings, identity);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            silo.Configure<GrainDirectoryOptions>(o => o.CachingStrategy = settings.DirectoryCachingStrategy);
            silo.Services.AddProcessMeshEngines();
        });
        return builder;
    }
}
