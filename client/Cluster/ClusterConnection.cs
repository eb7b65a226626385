using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcessMesh.Contracts;
using ProcessMesh.Silo;

namespace ProcessMesh.Cli.Cluster;

/// <summary>
/// The CLI's way into a cluster: a silo hosted in this process (the embedded default), or a client connected to
/// a running silo's gateway, or both: a client joined to the embedded silo's gateway, for load that must come
/// from outside the cluster.
/// </summary>
internal sealed class ClusterConnection(IHost host, string description, IHost? embeddedSilo = null) : IAsyncDisposable
{
    /// <summary>Calls grains in the cluster.</summary>
    public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>What this connection is, for reports: "embedded silo", "gateway HOST:PORT" or "redis HOST:PORT".</summary>
    public string Description { get; } = description;

    /// <summary>How the cluster was reached (gateways or a membership table); null for the embedded silo.</summary>
    public ClusterAccess? Access { get; private init; }

    /// <summary>Watches long calls to coordinators over this connection.</summary>
    public CoordinatorWatch Watch => new(Grains, Access, Access?.Redis is null ? null : host.Services.GetService<Orleans.Messaging.IGatewayListProvider>() is { } gateways ? (gateways as LastKnownGateways)?.Table ?? gateways : null);

    /// <summary>
    /// The active silos now, in a silo's own view of membership (not the membership table, which cannot be read
    /// while its store is down); bounded as <see cref="CoordinatorWatch.BoundedAsync"/> is.
    /// </summary>
    public Task<SiloAddress[]> SilosAsync(CancellationToken cancellationToken) => Watch.BoundedAsync(c => c.Silos(), cancellationToken);

    /// <summary>How long the catalog may take to answer: one call to a stateless grain on the nearest silo.</summary>
    public static readonly TimeSpan CatalogBound = TimeSpan.FromSeconds(30);

    private ClusterCatalog? _catalog;

    /// <summary>
    /// What the cluster runs (<see cref="ICatalogGrain"/>): its models with their traits, its workloads with their
    /// defaults. Asked once per connection; the CLI's option checks, defaults and labels read it, not code of its own.
    /// </summary>
    public async Task<ClusterCatalog> CatalogAsync(CancellationToken cancellationToken)
    {
        if (_catalog is not null)
        {
            return _catalog;
        }

        try
        {
            return _catalog = await Grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get().WaitAsync(CatalogBound, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the cluster did not say within {CatalogBound.TotalSeconds:0} s what it runs (its catalog)");
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
        {
            throw new ClusterLostException(await Watch.GatewaysLostAsync());
        }
    }

    /// <summary>How long admission may take: a first emulated run calibrates the silo's machine first (seconds to a minute).</summary>
    public static readonly TimeSpan AdmitBound = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Asks the cluster to admit <paramref name="spec"/> (<see cref="ICoordinatorGrain.Admit"/>): throws its
    /// <see cref="RunRefusedException"/> when it would refuse the run, before anything of it runs.
    /// </summary>
    public async Task AdmitAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await Grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Admit(spec).WaitAsync(AdmitBound, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the cluster did not say within {AdmitBound.TotalMinutes:0} min whether it admits {spec.Model} {spec.Workload} ×{spec.Workers:N0}");
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
        {
            throw new ClusterLostException(await Watch.GatewaysLostAsync());
        }
    }

    /// <summary>
    /// Joins the cluster <paramref name="access"/> names, or with none hosts a silo in this process (see
    /// <see cref="StartEmbeddedAsync"/>). Throws <see cref="ClusterUnreachableException"/> when nothing answered.
    /// </summary>
    public static Task<ClusterConnection> OpenAsync(ClusterAccess? access, bool fromOutside, TimeSpan timeout, bool verbose, CancellationToken cancellationToken) =>
        access is null
            ? StartEmbeddedAsync(verbose, fromOutside, cancellationToken)
            : ConnectAsync(access, timeout, verbose, cancellationToken);

    /// <summary>
    /// Starts a silo inside this process on free loopback ports, with a cluster id of its own. With
    /// <paramref name="throughGateway"/>, calls go through an Orleans client joined to its gateway over loopback
    /// TCP, as they would from another machine, instead of the silo's own grain factory.
    /// </summary>
    public static async Task<ClusterConnection> StartEmbeddedAsync(bool verbose, bool throughGateway, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder, verbose);
        var clusterId = $"processmesh-embedded-{Environment.ProcessId}";
        var gatewayPort = FreeLoopbackPort();
        builder.Configuration.AddSiloSettings(new()
        {
            [nameof(SiloSettings.ClusterId)] = clusterId,
            [nameof(SiloSettings.SiloPort)] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [nameof(SiloSettings.GatewayPort)] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddProcessMeshSilo();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        if (!throughGateway)
        {
            return new ClusterConnection(host, "embedded silo");
        }

        var gateway = new IPEndPoint(IPAddress.Loopback, gatewayPort);
        try
        {
            var client = await StartClientAsync(ClusterAccess.ThroughGateways([gateway], clusterId), TimeSpan.FromSeconds(30), verbose, cancellationToken);
            return new ClusterConnection(client, $"embedded silo through its gateway {gateway}", host);
        }
        catch
        {
            await StopAsync(host);
            throw;
        }
    }

    /// <summary>
    /// Joins the cluster <paramref name="access"/> names, giving up after <paramref name="timeout"/> with one line
    /// that says what did not answer.
    /// </summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterAccess access, TimeSpan timeout, bool verbose, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (access.Redis is { } redis && await RedisEndpoint.ProblemAsync(redis, timeout, access.RedisPassword) is { } problem)
        {
            throw new ClusterUnreachableException($"--redis: {problem}");
        }

        // Silos of one cluster id may have been given a service id of their own; their membership table says which.
        if (access.Redis is { } table && await RedisEndpoint.ServiceIdsAsync(table, access.ClusterId, timeout, access.RedisPassword) is { Count: > 0 } services && !services.Contains(access.ServiceId))
        {
            access = access with { ServiceId = services[0] };
        }

        var left = timeout - started.Elapsed;
        return new(await StartClientAsync(access, left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), verbose, cancellationToken, timeout), access.ToString()) { Access = access };
    }

    private static async Task<IHost> StartClientAsync(ClusterAccess access, TimeSpan timeout, bool verbose, CancellationToken cancellationToken, TimeSpan? announced = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder, verbose);

        // A client that gives up is reported below in one line; the host's own "Hosting failed to start" error, with
        // its stack trace, would only repeat it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.AddProcessMeshClient(access);
        var host = builder.Build();

        // An Orleans client retries a missing gateway for minutes; the CLI's user should hear back in seconds.
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var start = host.StartAsync(giveUp.Token);
        if (await Task.WhenAny(start, Task.Delay(timeout, cancellationToken)) == start && start.IsCompletedSuccessfully)
        {
            return host;
        }

        await giveUp.CancelAsync();
        try
        {
            await start;
        }
        catch (Exception)
        {
            // Whatever it was (cancelled, no gateway, a refused connection), the line below says what did not answer.
        }

        host.Dispose();
        cancellationToken.ThrowIfCancellationRequested();
        var option = access.Redis is null ? "--gateway" : "--redis";
        var where = access.Redis is { } redis ? $"in the membership table at redis {redis}" : $"at {string.Join(", ", access.Gateways)}";
        throw new ClusterUnreachableException(
            $"{option}: no ProcessMesh silo of cluster '{access.ClusterId}' answered {where} within {(announced ?? timeout).TotalSeconds:0.#} s " +
            $"(start one with 'dotnet run --project silo', check --cluster-id, or leave out {option} to use an embedded silo)");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(host);
        if (embeddedSilo is not null)
        {
            await StopAsync(embeddedSilo);
        }
    }

    private static async Task StopAsync(IHost host)
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await host.StopAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Shutting down took too long; the process is exiting anyway.
        }

        host.Dispose();
    }

    private static void ConfigureLogging(HostApplicationBuilder builder, bool verbose)
    {
        // Standard output belongs to results (JSON, CSV, tables): logs go to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>No silo answered where the user pointed the CLI.</summary>
internal sealed class ClusterUnreachableException(string message) : Exception(message);
