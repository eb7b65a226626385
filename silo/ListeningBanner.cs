using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProcessMesh.Silo;

/// <summary>Logs, once the silo has started, the one line that says where it listens.</summary>
internal sealed class ListeningBanner(SiloSettings settings, ILogger<ListeningBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "ProcessMesh silo listening: silo 127.0.0.1:{SiloPort}, gateway 127.0.0.1:{GatewayPort}, cluster {ClusterId}, {Clustering} clustering, {Gc} GC, {Cores} cores",
            settings.SiloPort,
            settings.GatewayPort,
            settings.ClusterId,
            settings.Clustering,
            System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            Environment.ProcessorCount);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
