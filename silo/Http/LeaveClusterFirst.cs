using Microsoft.Extensions.Hosting;

namespace ProcessMesh.Silo.Http;

/// <summary>
/// Orders a standalone silo's shutdown: the silo leaves its cluster while the HTTP server still answers, so after
/// SIGTERM <see cref="SiloEndpoints.Ready"/> answers 503 (not a refused connection) and <c>/metrics</c> can be
/// scraped until the silo is gone. The web server, registered last, would otherwise stop first.
/// </summary>
internal sealed class LeaveClusterFirst(Orleans.Runtime.Silo silo) : IHostedLifecycleService
{
    /// <summary>Runs before any hosted service stops; the Orleans host's own stop then finds the silo stopped.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
