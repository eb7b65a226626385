using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ProcessMesh.Silo.Http;

/// <summary>
/// What the startup and readiness probes report: whether the silo has reached its active stage, whether it is an
/// active member of the cluster, and whether shutdown has begun. It follows the silo's own lifecycle and
/// membership status; it never calls a grain.
/// </summary>
internal sealed class SiloHealth(ISiloStatusOracle membership, IHostApplicationLifetime lifetime) : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _started;
    private volatile bool _leaving;

    /// <summary>The silo reached <see cref="ServiceLifecycleStage.Active"/>: it has joined its cluster and serves.</summary>
    public bool Started => _started;

    /// <summary>Started, an active member, and not shutting down (SIGTERM or a silo stop turns this off for good).</summary>
    public bool Ready => _started && !_leaving && !lifetime.ApplicationStopping.IsCancellationRequested
        && membership.CurrentStatus == SiloStatus.Active;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(SiloHealth),
        ServiceLifecycleStage.Active,
        _ =>
        {
            _started = true;
            return Task.CompletedTask;
        },
        _ =>
        {
            _leaving = true;
            return Task.CompletedTask;
        });

    /// <summary>The startup probe's check.</summary>
    internal sealed class StartedCheck(SiloHealth health) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(health.Started ? HealthCheckResult.Healthy("the silo has started") : HealthCheckResult.Unhealthy("the silo is starting"));
    }

    /// <summary>The readiness probe's check.</summary>
    internal sealed class ReadyCheck(SiloHealth health, ISiloStatusOracle membership) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(health.Ready
                ? HealthCheckResult.Healthy("an active cluster member")
                : HealthCheckResult.Unhealthy($"not taking calls: membership status {membership.CurrentStatus}{(health.Started ? "" : ", not started")}"));
    }
}
