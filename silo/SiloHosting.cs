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
    /// Reads and checks <see cref="SiloSettings"/> and where the silo would stand (<see cref="SiloIdentity"/>, from
    /// <paramref name="environment"/>: the process environment when null); a bad setting throws with a line naming it.
    /// </summary>
    public static SiloSettings ReadSettings(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        var section = configuration.GetSection(SiloSettings.Section);

        // The binder throws on a value it cannot convert ("abc" for a port) with a message that names no setting in
        // words a user reads, and a stack trace; check every value first, so each bad one is a line of its own.
        var problems = Unconvertible(section).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(SiloSettings.Section, typeof(SiloSettings), problems);
        }

        var settings = section.Get<SiloSettings>() ?? new SiloSettings();
        problems = settings.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(SiloSettings.Section, typeof(SiloSettings), problems);
        }

        SiloIdentity.Resolve(settings, environment ?? Environment.GetEnvironmentVariable);
        return settings;
    }

    private static IEnumerable<string> Unconvertible(IConfigurationSection section)
    {
        foreach (var property in typeof(SiloSettings).GetProperties().Where(p => p.CanWrite && p.PropertyType != typeof(string)))
        {
            if (section[property.Name] is not { } raw)
            {
                continue;
            }

            var converter = System.ComponentModel.TypeDescriptor.GetConverter(property.PropertyType);
            string? problem = null;
            try
            {
                if (string.IsNullOrWhiteSpace(raw) || converter.ConvertFromInvariantString(raw) is null)
                {
                    problem = "is empty";
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
            {
                problem = "cannot be read";
            }

            if (problem is not null)
            {
                var expected = property.PropertyType == typeof(int) ? "a whole number"
                    : property.PropertyType == typeof(bool) ? "true or false"
                    : property.PropertyType == typeof(TimeSpan) ? "a duration such as 00:00:20"
                    : property.PropertyType.Name;
                yield return $"{SiloSettings.Section}:{property.Name}: '{raw}' is not {expected}";
            }
        }
    }

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

    /// <summary>Adds an Orleans silo configured by <paramref name="settings"/> to the host.</summary>
    public static IHostApplicationBuilder AddProcessMeshSilo(this IHostApplicationBuilder builder, SiloSettings settings)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        var identity = SiloIdentity.Resolve(settings, Environment.GetEnvironmentVariable);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(identity);
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
