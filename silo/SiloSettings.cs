namespace ProcessMesh.Silo;

/// <summary>
/// How a silo joins its cluster, bound from the <c>ProcessMesh</c> configuration section (appsettings.json,
/// or environment variables such as <c>ProcessMesh__SiloPort=11112</c>).
/// </summary>
public sealed record SiloSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ProcessMesh";

    /// <summary>Default silo-to-silo port.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>Default client gateway port.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>Default cluster and service identity.</summary>
    public const string DefaultClusterId = "processmesh";

    /// <summary>How silos find each other: <c>localhost</c> (silos on this machine).</summary>
    public string Clustering { get; init; } = "localhost";

    /// <summary>Silos with the same cluster id form one cluster.</summary>
    public string ClusterId { get; init; } = DefaultClusterId;

    /// <summary>The service this cluster runs (stable across deployments).</summary>
    public string ServiceId { get; init; } = DefaultClusterId;

    /// <summary>The port other silos reach this one on.</summary>
    public int SiloPort { get; init; } = DefaultSiloPort;

    /// <summary>The port clients connect to.</summary>
    public int GatewayPort { get; init; } = DefaultGatewayPort;

    /// <summary>With localhost clustering: the silo port of the cluster's first silo (0: this silo is the first).</summary>
    public int PrimarySiloPort { get; init; }

    /// <summary>
    /// How the grain directory caches where grains live: <c>None</c> (the default: on localhost clustering every
    /// lookup is local, and a cache keeps a few hundred bytes per grain long after the grain is gone, which a
    /// sweep would read as leaked memory), <c>LRU</c> or <c>Adaptive</c> (for clusters across machines).
    /// </summary>
    public string DirectoryCaching { get; init; } = "None";

    /// <summary>How long a grain call may take before it fails (experiments run inside one call).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a graceful shutdown may take before the host gives up on it.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The clustering modes this build knows.</summary>
    public static IReadOnlyList<string> ClusteringModes { get; } = ["localhost"];

    /// <summary>Every problem with these settings, each a line that names the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (!ClusteringModes.Contains(Clustering, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{Section}:Clustering: '{Clustering}' is not one of {string.Join(", ", ClusteringModes)}";
        }

        foreach (var (name, port) in new[] { (nameof(SiloPort), SiloPort), (nameof(GatewayPort), GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                yield return $"{Section}:{name}: {port} is not a TCP port (1-65535)";
            }
        }

        if (!Enum.TryParse<Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType>(DirectoryCaching, ignoreCase: true, out _))
        {
            yield return $"{Section}:DirectoryCaching: '{DirectoryCaching}' is not one of None, LRU, Adaptive";
        }

        if (SiloPort == GatewayPort)
        {
            yield return $"{Section}:GatewayPort: must differ from SiloPort ({SiloPort})";
        }

        if (PrimarySiloPort is < 0 or > 65535)
        {
            yield return $"{Section}:PrimarySiloPort: {PrimarySiloPort} is not a TCP port (0 = this silo is the first)";
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return $"{Section}:ClusterId: must not be empty";
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return $"{Section}:ServiceId: must not be empty";
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:ResponseTimeout: must be positive";
        }

        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:ShutdownTimeout: must be positive";
        }
    }
}
