using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProcessMesh.Silo;

/// <summary>Logs, once the silo has started, the one line that says where it listens.</summary>
internal sealed class ListeningBanner(SiloSettings settings, SiloIdentity identity, ILogger<ListeningBanner> logger) : IHostedLifecycleService
{
    // After every hosted service has started (the silo among them, even when they start concurrently).
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "ProcessMesh silo listening: silo {SiloEndpoint}, gateway {GatewayEndpoint}{Listen}, cluster {ClusterId}, {Clustering} clustering{Membership}, {Gc} GC, {Cores} cores",
            $"{identity.Advertised}:{settings.SiloPort}",
            $"{identity.Advertised}:{settings.GatewayPort}",
            identity.Listen.Equals(identity.Advertised) ? "" : $" (bound to {identity.Listen})",
            settings.ClusterId,
            settings.Clustering.ToLowerInvariant(),
            settings.UsesRedis ? $" (membership in redis {settings.Redis})" : "",
            System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            Environment.ProcessorCount);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
