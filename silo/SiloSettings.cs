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

    /// <summary>Default Redis port, when <see cref="Redis"/> names only a host.</summary>
    public const int DefaultRedisPort = 6379;

    /// <summary>
    /// How silos find each other: <c>localhost</c> (silos on this machine, the default), <c>redis</c> (a membership
    /// table in the Redis at <see cref="Redis"/>) or <c>kubernetes</c> (in a pod: name and address from the downward
    /// API's <c>POD_NAME</c> and <c>POD_IP</c>, membership in Redis).
    /// </summary>
    public string Clustering { get; init; } = ClusteringMode.Localhost;

    /// <summary>The Redis that holds the membership table (<c>host:port</c>), for <c>redis</c> and <c>kubernetes</c> clustering.</summary>
    public string Redis { get; init; } = "";

    /// <summary>
    /// The password of that Redis (its <c>requirepass</c>), from configuration or the environment
    /// (<c>ProcessMesh__RedisPassword</c>, which the CLI reads too; in a pod, from a Secret); empty: none. Never
    /// printed: not in the banner, a log line, an error or <see cref="ToString"/>.
    /// </summary>
    public string RedisPassword { get; init; } = "";

    /// <summary>
    /// The IP address other silos and clients reach this one on. Empty: loopback for <c>localhost</c> clustering,
    /// the pod's IP for <c>kubernetes</c>, and this machine's first non-loopback IPv4 address for <c>redis</c>.
    /// </summary>
    public string AdvertisedAddress { get; init; } = "";

    /// <summary>
    /// With <c>kubernetes</c> clustering: also run Orleans' Kubernetes hosting, whose pod watcher deletes the pods
    /// of silos declared dead (needs a service account that may list and delete pods). Off by default; it only
    /// runs inside a pod (where <c>KUBERNETES_SERVICE_HOST</c> is set).
    /// </summary>
    public bool KubernetesHosting { get; init; }

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
    /// How the grain directory caches where grains live: <c>None</c>, <c>LRU</c> or <c>Adaptive</c>; empty (the
    /// default) chooses by clustering. One localhost silo: <c>None</c> (every lookup is local, and a cache keeps a
    /// few hundred bytes per grain long after the grain is gone, which a sweep would read as leaked memory).
    /// Redis or Kubernetes: <c>LRU</c> (the directory is partitioned over the silos, and without a cache a
    /// call to a grain whose entry another silo holds pays a remote lookup every time: on three local silos a
    /// one-silo pingpong ran at 6.8 k round trips/s without it and 104 k/s with it).
    /// </summary>
    public string DirectoryCaching { get; init; } = "";

    /// <summary>The caching strategy in force: <see cref="DirectoryCaching"/>, or the clustering's default.</summary>
    public Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType DirectoryCachingStrategy =>
        string.IsNullOrWhiteSpace(DirectoryCaching)
            ? IsMode(ClusteringMode.Localhost) ? Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType.None : Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType.LRU
            : Enum.Parse<Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType>(DirectoryCaching, ignoreCase: true);

    /// <summary>How long a grain call may take before it fails (experiments run inside one call).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a graceful shutdown may take before the host gives up on it.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The first timeout of a liveness probe (Orleans' <c>ClusterMembershipOptions.ProbeTimeout</c>): each silo probes
    /// the others this often to start with, then adapts the period to the answers it sees, never below half of it.
    /// Orleans' default is 5 s; 2 s here, so a killed silo is found in seconds (see <see cref="DeadSiloDetection"/>).
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a probe period may grow to (<c>MaxProbeTimeout</c>), however slow the answers or however loaded
    /// this silo says it is (Orleans stretches the timeout on a silo whose own health is degraded). Orleans' default
    /// is four times <see cref="ProbeTimeout"/> (20 s), which on a loaded 2-core machine let a killed silo go
    /// unnoticed for 27-33 s; 5 s here.
    /// </summary>
    public TimeSpan MaxProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Probes a silo may miss in a row before the prober suspects it (<c>NumMissedProbesLimit</c>; the last one goes through another silo).</summary>
    public int NumMissedProbesLimit { get; init; } = 3;

    /// <summary>Suspicions that declare a silo dead (<c>NumVotesForDeathDeclaration</c>; Orleans asks for no more than half the active silos, rounded up: 2 of 3).</summary>
    public int NumVotesForDeathDeclaration { get; init; } = 2;

    /// <summary>
    /// How often a silo reads the whole membership table (<c>TableRefreshTimeout</c>), the fallback for news that gossip
    /// did not bring. Orleans' default is 60 s; 10 s here.
    /// </summary>
    public TimeSpan TableRefreshTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a killed silo stays listed as active: <see cref="NumMissedProbesLimit"/> probe periods, each at most
    /// <see cref="MaxProbeTimeout"/> (15 s with the defaults; gossip then tells the other silos in well under a second).
    /// A live silo is not declared dead unless it answers no probe for as long, nor sends any message on its
    /// connections (Orleans suppresses the vote while a connection to it still carries messages).
    /// </summary>
    public TimeSpan DeadSiloDetection => MaxProbeTimeout * NumMissedProbesLimit;

    /// <summary>The clustering modes this build knows.</summary>
    public static IReadOnlyList<string> ClusteringModes { get; } = [ClusteringMode.Localhost, ClusteringMode.Redis, ClusteringMode.Kubernetes];

    /// <summary>Whether the membership table lives in Redis (<c>redis</c> and <c>kubernetes</c> clustering).</summary>
    public bool UsesRedis => IsMode(ClusteringMode.Redis) || IsMode(ClusteringMode.Kubernetes);

    /// <summary>Whether <see cref="Clustering"/> is <paramref name="mode"/> (any case).</summary>
    public bool IsMode(string mode) => string.Equals(Clustering, mode, StringComparison.OrdinalIgnoreCase);

    /// <summary>The configuration key of <paramref name="setting"/> (<c>ProcessMesh:SiloPort</c>).</summary>
    public static string Key(string setting) => $"{Section}:{setting}";

    /// <summary>Where the silo stands, for messages; never the Redis password.</summary>
    public override string ToString() =>
        $"{Clustering} clustering, cluster {ClusterId}, silo port {SiloPort}, gateway port {GatewayPort}{(UsesRedis ? $", membership in redis {Redis}" : "")}";

    /// <summary>Every problem with these settings, each a line that names the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (!ClusteringModes.Contains(Clustering, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{Section}:Clustering: '{Clustering}' is not one of {string.Join(", ", ClusteringModes)}";
        }

        if (UsesRedis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return $"{Section}:Redis: required with {Clustering} clustering (host:port of the Redis that holds the membership table)";
        }
        else if (!string.IsNullOrWhiteSpace(Redis) && !RedisEndpoint.TryParse(Redis, DefaultRedisPort, out _, out _))
        {
            yield return $"{Section}:Redis: '{Redis}' is not host:port";
        }

        if (!string.IsNullOrWhiteSpace(AdvertisedAddress) && !System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return $"{Section}:AdvertisedAddress: '{AdvertisedAddress}' is not an IP address";
        }

        foreach (var (name, port) in new[] { (nameof(SiloPort), SiloPort), (nameof(GatewayPort), GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                yield return $"{Section}:{name}: {port} is not a TCP port (1-65535)";
            }
        }

        if (!string.IsNullOrWhiteSpace(DirectoryCaching) && !Enum.TryParse<Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType>(DirectoryCaching, ignoreCase: true, out _))
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

        foreach (var (name, value) in new[] { (nameof(ProbeTimeout), ProbeTimeout), (nameof(MaxProbeTimeout), MaxProbeTimeout), (nameof(TableRefreshTimeout), TableRefreshTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{Section}:{name}: must be positive";
            }
        }

        if (ProbeTimeout > TimeSpan.Zero && MaxProbeTimeout > TimeSpan.Zero && MaxProbeTimeout < ProbeTimeout)
        {
            yield return $"{Section}:MaxProbeTimeout: {MaxProbeTimeout} must not be shorter than ProbeTimeout ({ProbeTimeout})";
        }

        foreach (var (name, value) in new[] { (nameof(NumMissedProbesLimit), NumMissedProbesLimit), (nameof(NumVotesForDeathDeclaration), NumVotesForDeathDeclaration) })
        {
            if (value < 1)
            {
                yield return $"{Section}:{name}: {value} must be at least 1";
            }
        }
    }
}
