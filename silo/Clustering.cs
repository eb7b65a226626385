using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace ProcessMesh.Silo;

/// <summary>The values <see cref="SiloSettings.Clustering"/> takes.</summary>
public static class ClusteringMode
{
    /// <summary>Silos on this machine; the first one holds the membership table in memory.</summary>
    public const string Localhost = "localhost";

    /// <summary>A membership table in Redis: silos on any machines that reach it.</summary>
    public const string Redis = "redis";

    /// <summary>In a Kubernetes pod: identity from the downward API, membership in Redis.</summary>
    public const string Kubernetes = "kubernetes";
}

/// <summary>
/// Who a silo is on the network: its name (null: Orleans picks one), the address other silos and clients reach it
/// on, and the address it listens on.
/// </summary>
public sealed record SiloIdentity(string? Name, IPAddress Advertised, IPAddress Listen)
{
    /// <summary>The downward-API variable that carries the pod's name.</summary>
    public const string PodNameVariable = "POD_NAME";

    /// <summary>The downward-API variable that carries the pod's IP.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>Set by Kubernetes in every pod; Orleans' Kubernetes hosting runs only where it is.</summary>
    public const string KubernetesServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>
    /// Where a silo with <paramref name="settings"/> stands: loopback for <c>localhost</c>; for <c>redis</c> the
    /// configured address or this machine's first non-loopback IPv4 address; in a pod the pod's name and IP, listening
    /// on every address. Throws, naming the setting or variable, when one is missing.
    /// </summary>
    public static SiloIdentity Resolve(SiloSettings settings, Func<string, string?> environment)
    {
        var problems = new List<string>();
        IPAddress? configured = IPAddress.TryParse(settings.AdvertisedAddress, out var parsed) ? parsed : null;
        SiloIdentity? identity = null;
        if (settings.IsMode(ClusteringMode.Kubernetes))
        {
            var name = environment(PodNameVariable);
            var podIp = environment(PodIpVariable);
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"{PodNameVariable}: not set (kubernetes clustering names the silo after its pod: give it metadata.name through the downward API)");
            }

            IPAddress? address = configured;
            if (address is null && !IPAddress.TryParse(podIp, out address))
            {
                problems.Add(string.IsNullOrWhiteSpace(podIp)
                    ? $"{PodIpVariable}: not set (kubernetes clustering advertises the pod's IP: give it status.podIP through the downward API)"
                    : $"{PodIpVariable}: '{podIp}' is not an IP address");
            }

            if (problems.Count == 0)
            {
                identity = new SiloIdentity(name, address!, IPAddress.Any);
            }
        }
        else if (settings.IsMode(ClusteringMode.Redis))
        {
            var address = configured ?? FirstNonLoopbackAddress();
            if (address is null)
            {
                problems.Add($"{SiloSettings.Section}:AdvertisedAddress: this machine has no non-loopback IPv4 address to advertise; set one (127.0.0.1 for silos on this machine only)");
            }
            else
            {
                identity = new SiloIdentity(null, address, address);
            }
        }
        else
        {
            var address = configured ?? IPAddress.Loopback;
            identity = new SiloIdentity(null, address, address);
        }

        return identity ?? throw new OptionsValidationException(SiloSettings.Section, typeof(SiloSettings), problems);
    }

    /// <summary>Why a silo with <paramref name="settings"/> cannot stand anywhere (a missing pod variable, no address), each a line naming it; empty when it can.</summary>
    public static IReadOnlyList<string> Problems(SiloSettings settings, Func<string, string?> environment)
    {
        try
        {
            Resolve(settings, environment);
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
    }

    /// <summary>This machine's first IPv4 address on an interface that is up and not loopback, or null.</summary>
    public static IPAddress? FirstNonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}

/// <summary>A Redis endpoint written <c>host:port</c> (or a bare host, on the default port).</summary>
public static class RedisEndpoint
{
    /// <summary>
    /// How long a silo waits for its Redis to answer before it gives up (and whatever runs it starts it again). Long
    /// enough for a loaded machine, where a fresh process's first Redis connection can take several seconds.
    /// </summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Splits <paramref name="text"/> into host and port; false when it is not <c>host[:port]</c>.</summary>
    public static bool TryParse(string text, int defaultPort, out string host, out int port)
    {
        host = "";
        port = defaultPort;
        text = text.Trim();
        var colon = text.LastIndexOf(':');
        var hostPart = colon < 0 ? text : text[..colon];
        if (colon >= 0 && !int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        if (port is < 1 or > 65535 || hostPart.Length == 0 || hostPart.Any(c => char.IsWhiteSpace(c) || c is ',' or '='))
        {
            return false;
        }

        host = hostPart;
        return true;
    }

    /// <summary>
    /// The environment variable (and, for the silo, the configuration key <c>ProcessMesh:RedisPassword</c>) that holds
    /// the Redis password: one name the silo and the CLI both read, so it never goes on a command line.
    /// </summary>
    public const string PasswordVariable = "ProcessMesh__RedisPassword";

    /// <summary>
    /// The StackExchange.Redis options that reach <paramref name="text"/> (already checked by <see cref="TryParse"/>),
    /// with <paramref name="password"/> when there is one.
    /// </summary>
    public static ConfigurationOptions Options(string text, TimeSpan? connectTimeout = null, string? password = null)
    {
        if (!TryParse(text, SiloSettings.DefaultRedisPort, out var host, out var port))
        {
            throw new ArgumentException($"'{text}' is not host:port", nameof(text));
        }

        var options = new ConfigurationOptions { AbortOnConnectFail = true };
        options.EndPoints.Add(host, port);
        if (!string.IsNullOrEmpty(password))
        {
            options.Password = password;
        }

        if (connectTimeout is { } timeout)
        {
            options.ConnectTimeout = (int)timeout.TotalMilliseconds;
            options.ConnectRetry = 1;
        }

        return options;
    }

    /// <summary>
    /// The service ids whose membership table in the Redis at <paramref name="text"/> lists a silo of cluster
    /// <paramref name="clusterId"/> (Orleans keeps it under <c>{serviceId}/members/{clusterId}</c>), so a client that
    /// knows only the cluster id joins silos whatever service id they were given.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ServiceIdsAsync(string text, string clusterId, TimeSpan timeout, string? password = null)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Options(text, timeout, password));
        var database = connection.GetDatabase();
        var suffix = $"/members/{clusterId}";
        var found = new List<string>();
        foreach (var server in connection.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: $"*{suffix}"))
            {
                var name = key.ToString();
                if (name.EndsWith(suffix, StringComparison.Ordinal) && await database.HashLengthAsync(key) > 1) // more than its version
                {
                    found.Add(name[..^suffix.Length]);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Connects to the Redis at <paramref name="text"/> (with <paramref name="password"/>, if any) and pings it; null
    /// when it answered within <paramref name="timeout"/>, otherwise why not, in a few words that never include the
    /// password.
    /// </summary>
    public static async Task<string?> ProblemAsync(string text, TimeSpan timeout, string? password = null)
    {
        if (!TryParse(text, SiloSettings.DefaultRedisPort, out var host, out var port))
        {
            return $"'{text}' is not host:port";
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            // A plain connect first: a refused or unresolvable address is known at once, where the Redis client
            // would keep retrying until its timeout; and on it, the password asked of the server itself, which the
            // Redis client names as refused only sometimes at once, otherwise when its own timeout ends.
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(host, port, deadline.Token);
                if (await RefusesAsync(tcp, password, deadline.Token))
                {
                    return Refused(text, password);
                }
            }

            // The client's own connect timeout ends first, so a refused password is reported as such, not as silence.
            await using var connection = await ConnectionMultiplexer.ConnectAsync(Options(text, timeout * 0.8, password)).WaitAsync(deadline.Token);
            await connection.GetDatabase().PingAsync().WaitAsync(deadline.Token);
            return null;
        }
        catch (Exception e) when (IsAuthentication(e))
        {
            return Refused(text, password);
        }
        catch (OperationCanceledException)
        {
            return $"no Redis answered at {text} within {timeout.TotalSeconds:0.#} s";
        }
        catch (SocketException e)
        {
            return $"no Redis answered at {text} ({e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"cannot resolve host '{host}'",
                _ => FirstSentence(e.Message),
            }})";
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return $"no Redis answered at {text} within {timeout.TotalSeconds:0.#} s ({FirstSentence(e.Message)})";
        }
    }

    /// <summary>Why the Redis at <paramref name="text"/> refused a client with <paramref name="password"/>, in words that never include it.</summary>
    private static string Refused(string text, string? password) =>
        string.IsNullOrEmpty(password)
            ? $"the Redis at {text} asks for a password (set {PasswordVariable})"
            : $"the Redis at {text} refused the password in {PasswordVariable}";

    /// <summary>
    /// Whether the Redis at the other end of <paramref name="tcp"/> refuses a client with <paramref name="password"/>:
    /// it is sent <c>AUTH</c> with it (<c>PING</c> without one), and its first reply line read. <c>-NOAUTH</c> (a password
    /// needed) and <c>-WRONGPASS</c> or <c>-ERR invalid password</c> (older servers) refuse; anything else (<c>+OK</c>,
    /// <c>+PONG</c>, a server that has no password and says so) is left to the Redis client to judge.
    /// </summary>
    private static async Task<bool> RefusesAsync(TcpClient tcp, string? password, CancellationToken cancellationToken)
    {
        string[] command = string.IsNullOrEmpty(password) ? ["PING"] : ["AUTH", password];
        var request = new System.Text.StringBuilder($"*{command.Length}\r\n");
        foreach (var part in command)
        {
            request.Append(CultureInfo.InvariantCulture, $"${System.Text.Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        var reply = new List<byte>(64);
        var buffer = new byte[256];
        while (!reply.Contains((byte)'\n') && reply.Count < 4096)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            reply.AddRange(buffer.AsSpan(0, read));
        }

        var line = System.Text.Encoding.UTF8.GetString([.. reply]);
        return line.StartsWith("-NOAUTH", StringComparison.Ordinal)
            || line.StartsWith("-WRONGPASS", StringComparison.Ordinal)
            || (line.StartsWith("-ERR", StringComparison.Ordinal) && line.Contains("invalid password", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether <paramref name="e"/> says the password was missing or wrong (NOAUTH, WRONGPASS).</summary>
    private static bool IsAuthentication(Exception e) =>
        e is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
        || (e is RedisException && (e.Message.Contains("NOAUTH", StringComparison.Ordinal) || e.Message.Contains("WRONGPASS", StringComparison.Ordinal)))
        || (e.InnerException is { } inner && IsAuthentication(inner));

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var sentence = end < 0 ? message : message[..end];
        return sentence.ReplaceLineEndings(" ").Trim().TrimEnd('.');
    }
}

/// <summary>How a silo joins its cluster and how a client finds one: the one place that maps <see cref="SiloSettings.Clustering"/> onto Orleans.</summary>
public static class Clustering
{
    /// <summary>Membership, identity and endpoints for a silo with <paramref name="settings"/> standing at <paramref name="identity"/>.</summary>
    public static ISiloBuilder UseProcessMeshClustering(this ISiloBuilder silo, SiloSettings settings, SiloIdentity identity)
    {
        silo.Configure<ClusterMembershipOptions>(o => o.ApplyFailureDetection(settings));
        if (settings.IsMode(ClusteringMode.Localhost))
        {
            var primary = settings.PrimarySiloPort == 0 ? null : new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort);
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, primary, settings.ServiceId, settings.ClusterId);
            if (!identity.Advertised.Equals(IPAddress.Loopback))
            {
                silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = identity.Advertised);
            }

            return silo;
        }

        silo.UseRedisClustering(o => o.ConfigurationOptions = RedisEndpoint.Options(settings.Redis, RedisEndpoint.ConnectTimeout, settings.RedisPassword));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = identity.Advertised;
            o.SiloPort = settings.SiloPort;
            o.GatewayPort = settings.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(identity.Listen, settings.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(identity.Listen, settings.GatewayPort);
        });
        if (identity.Name is { } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        // Orleans' Kubernetes hosting watches pods through the API server and throws outside a pod: only on request, only in one.
        if (settings.IsMode(ClusteringMode.Kubernetes) && settings.KubernetesHosting &&
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SiloIdentity.KubernetesServiceHostVariable)))
        {
            silo.UseKubernetesHosting();
        }

        return silo;
    }

    /// <summary>
    /// How quickly silos find a dead peer, from <paramref name="settings"/>: Orleans' probing bounded so that a killed silo
    /// is declared dead within <see cref="SiloSettings.DeadSiloDetection"/>, in every clustering mode (one silo alone has
    /// nobody to probe).
    /// </summary>
    public static void ApplyFailureDetection(this ClusterMembershipOptions options, SiloSettings settings)
    {
        options.ProbeTimeout = settings.ProbeTimeout;
        options.MinProbeTimeout = settings.ProbeTimeout / 2;
        options.MaxProbeTimeout = settings.MaxProbeTimeout;
        options.NumMissedProbesLimit = settings.NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = settings.NumVotesForDeathDeclaration;
        options.TableRefreshTimeout = settings.TableRefreshTimeout;
    }

    /// <summary>How <paramref name="client"/> finds the gateways of the cluster that <paramref name="access"/> names.</summary>
    public static IClientBuilder UseProcessMeshClustering(this IClientBuilder client, ClusterAccess access)
    {
        if (access.Redis is { } redis)
        {
            client.UseRedisClustering(o => o.ConfigurationOptions = RedisEndpoint.Options(redis, RedisEndpoint.ConnectTimeout, access.RedisPassword));

            // While the table lists no gateway (a Redis restarted empty), the client keeps the gateways it had.
            var table = client.Services.Last(d => d.ServiceType == typeof(Orleans.Messaging.IGatewayListProvider));
            client.Services.Remove(table);
            client.Services.AddSingleton<Orleans.Messaging.IGatewayListProvider>(sp => new LastKnownGateways(
                table.ImplementationInstance as Orleans.Messaging.IGatewayListProvider
                ?? (Orleans.Messaging.IGatewayListProvider?)table.ImplementationFactory?.Invoke(sp)
                ?? (Orleans.Messaging.IGatewayListProvider)ActivatorUtilities.CreateInstance(sp, table.ImplementationType!)));
        }
        else
        {
            client.UseStaticClustering([.. access.Gateways]);
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = access.ClusterId;
            o.ServiceId = access.ServiceId;
        });
        return client;
    }
}

/// <summary>
/// Where a client finds a cluster: fixed gateways, or the gateways its silos list in a Redis membership table; and
/// the cluster's identity.
/// </summary>
public sealed record ClusterAccess(IReadOnlyList<IPEndPoint> Gateways, string? Redis, string ClusterId, string ServiceId = SiloSettings.DefaultClusterId)
{
    /// <summary>The password of <see cref="Redis"/>, if it has one; never printed (see <see cref="ToString"/>).</summary>
    public string? RedisPassword { get; init; }

    /// <summary>Through one or more silos' gateways.</summary>
    public static ClusterAccess ThroughGateways(IReadOnlyList<IPEndPoint> gateways, string clusterId) => new(gateways, null, clusterId);

    /// <summary>
    /// Through the membership table in the Redis at <paramref name="redis"/> (<c>host:port</c>), with the password in
    /// <see cref="RedisEndpoint.PasswordVariable"/> when it is set (never on a command line).
    /// </summary>
    public static ClusterAccess ThroughRedis(string redis, string clusterId) =>
        new([], redis, clusterId) { RedisPassword = Environment.GetEnvironmentVariable(RedisEndpoint.PasswordVariable) is { Length: > 0 } password ? password : null };

    /// <summary>For messages: "gateway 127.0.0.1:30000", "gateways a, b" or "redis 127.0.0.1:6379".</summary>
    public override string ToString() => Redis is { } redis
        ? $"redis {redis}"
        : Gateways.Count == 1 ? $"gateway {Gateways[0]}" : $"gateways {string.Join(", ", Gateways)}";
}
