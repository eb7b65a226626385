namespace ProcessMesh.Silo.Http;

/// <summary>
/// The paths the silo serves on <see cref="HttpSettings.HttpPort"/>: the probe paths of Orleans' Kubernetes
/// guidance, Prometheus metrics and the dashboard. The manifests in k8s/ name the same paths, and a test holds
/// them to these constants.
/// </summary>
public static class SiloEndpoints
{
    /// <summary>Liveness: the process answers HTTP. Calls no grain and asks no dependency.</summary>
    public const string Live = "/health/live";

    /// <summary>Startup: the silo has started and joined its cluster once.</summary>
    public const string Startup = "/health/startup";

    /// <summary>Readiness: the silo is an active cluster member taking calls, and is not shutting down.</summary>
    public const string Ready = "/health/ready";

    /// <summary>Prometheus text format: Orleans' meters and ProcessMesh's own.</summary>
    public const string Metrics = "/metrics";

    /// <summary>The Orleans Dashboard, when <see cref="HttpSettings.Dashboard"/> is on.</summary>
    public const string Dashboard = "/dashboard";
}
