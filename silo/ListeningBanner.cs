using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProcessMesh.Silo.Http;

namespace ProcessMesh.Silo;

/// <summary>
/// Logs, once the silo has joined its cluster and serves every port, the one line that says it is ready: each port
/// it serves (silo, gateway, HTTP), where they are bound, its cluster and its machine. The membership log leaves this
/// silo's own joining to it.
/// </summary>
internal sealed class ListeningBanner(IOptions<SiloSettings> silo, IOptions<HttpSettings> http, SiloIdentity identity, ILogger<ListeningBanner> logger) : IHostedLifecycleService
{
    // After every hosted service has started (the silo among them, even when they start concurrently).
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("{Banner}", Line(silo.Value, http.Value, identity));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The line: <c>ProcessMesh silo listening: silo 127.0.0.1:11111, gateway 127.0.0.1:30000, http 127.0.0.1:8080
    /// (probes, /metrics), cluster processmesh, localhost clustering, server GC, 2 cores</c>. Never the Redis password.
    /// </summary>
    public static string Line(SiloSettings settings, HttpSettings http, SiloIdentity identity)
    {
        var paths = http.Dashboard ? $"probes, {SiloEndpoints.Metrics}, {SiloEndpoints.Dashboard}" : $"probes, {SiloEndpoints.Metrics}";
        var served = http.Enabled ? $"http {identity.Advertised}:{http.HttpPort} ({paths})" : $"no http ({SiloSettings.Key(nameof(HttpSettings.HttpPort))} is 0)";
        var bound = identity.Listen.Equals(identity.Advertised) ? "" : $", all bound to {identity.Listen}";
        var membership = settings.UsesRedis ? $" (membership in redis {settings.Redis})" : "";
        return $"ProcessMesh silo listening: silo {identity.Advertised}:{settings.SiloPort}, gateway {identity.Advertised}:{settings.GatewayPort}, {served}{bound}, " +
            $"cluster {settings.ClusterId}, {settings.Clustering.ToLowerInvariant()} clustering{membership}, " +
            $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {Environment.ProcessorCount} core{(Environment.ProcessorCount == 1 ? "" : "s")}";
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
