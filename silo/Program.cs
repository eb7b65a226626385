using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProcessMesh.Silo.Http;

namespace ProcessMesh.Silo;

/// <summary>The standalone silo: <c>dotnet run --project silo</c>.</summary>
internal static class Program
{
    /// <summary>Exit code for a setting the silo cannot start with, or a membership store it cannot reach.</summary>
    private const int BadSetting = 2;

    private static async Task<int> Main(string[] args)
    {
        // A web host, so the silo can serve probes and metrics on ProcessMesh:HttpPort; 0 there gives the plain
        // generic host the CLI's embedded silo also uses.
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        SiloSettings settings;
        HttpSettings http;
        try
        {
            // The options the host binds and validates on start, read here too: the checks below need them before it is built.
            (settings, http) = ProcessMeshOptions.Read(web.Configuration);
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync($"silo: {failure}");
            }

            return BadSetting;
        }

        // Orleans would retry an unreachable membership table and log each try; say it once, and stop.
        if (settings.UsesRedis && await RedisEndpoint.ProblemAsync(settings.Redis, RedisEndpoint.ConnectTimeout, settings.RedisPassword) is { } problem)
        {
            await Console.Error.WriteLineAsync($"silo: {SiloSettings.Section}:Redis: {problem}");
            return BadSetting;
        }

        // Ports held by another process (another silo on this machine, most often): say which setting, before joining.
        foreach (var (name, port) in new[] { (nameof(SiloSettings.SiloPort), settings.SiloPort), (nameof(SiloSettings.GatewayPort), settings.GatewayPort) })
        {
            if (Ports.InUse(port))
            {
                await Console.Error.WriteLineAsync($"silo: {SiloSettings.Section}:{name}: port {port} is already in use (another silo on this machine? give each its own ports)");
                return BadSetting;
            }
        }

        // Left at its default, the HTTP port moves to a free one when another process (a second silo) holds it; set
        // explicitly, it must be free. The port is held from this check until just before the host starts, so silos
        // started together rarely race for it, and one that loses the race starts once more on a free port.
        var httpKey = SiloSettings.Key(nameof(HttpSettings.HttpPort));
        var httpDefault = web.Configuration[httpKey] is null;
        var claim = http.Enabled ? Ports.TryListen(http.HttpPort) : null;
        if (http.Enabled && claim is null)
        {
            if (!httpDefault)
            {
                await Console.Error.WriteLineAsync($"silo: {SiloSettings.Section}:{nameof(HttpSettings.HttpPort)}: port {http.HttpPort} is already in use (give each silo its own, or 0 for no HTTP)");
                return BadSetting;
            }

            http = await MovedAsync(http);
            web.Configuration[httpKey] = Text(http.HttpPort);
        }

        var host = Build(web, args, settings, http);
        claim?.Dispose();
        var error = await StartAsync(host);
        if (error is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } && http.Enabled && httpDefault)
        {
            // Another silo took the port between the check and the bind: leave the cluster this start may have joined.
            await host.StopAsync().WaitAsync(settings.ShutdownTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
            host.Dispose();
            http = await MovedAsync(http);
            var again = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
            again.Configuration[httpKey] = Text(http.HttpPort);
            host = Build(again, args, settings, http);
            error = await StartAsync(host);
        }

        if (error is not null)
        {
            await Console.Error.WriteLineAsync($"silo: could not start: {error.Message}");
            return 1;
        }

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);
        var stop = host.StopAsync();
        if (await Task.WhenAny(stop, Task.Delay(settings.ShutdownTimeout)) != stop)
        {
            // Stuck (on a membership table that no longer answers, for one): leave within the timeout anyway.
            await Console.Error.WriteLineAsync($"silo: shutdown did not finish within {settings.ShutdownTimeout.TotalSeconds:0.#} s ({SiloSettings.Section}:ShutdownTimeout); exiting");
            Environment.Exit(1);
        }

        host.Dispose();
        return 0;
    }

    /// <summary>The host: a web host serving probes and metrics beside the silo, or a plain one when HTTP is off.</summary>
    private static IHost Build(WebApplicationBuilder web, string[] args, SiloSettings settings, HttpSettings http)
    {
        if (!http.Enabled)
        {
            return Configure(Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory }), settings).Build();
        }

        Configure(web, settings).AddProcessMeshHttp(http, SiloIdentity.Resolve(settings, Environment.GetEnvironmentVariable).Listen);
        return web.Build().MapProcessMeshHttp(http);
    }

    /// <summary>Starts <paramref name="host"/>; the reason it could not start, or null.</summary>
    private static async Task<Exception?> StartAsync(IHost host)
    {
        try
        {
            await host.StartAsync();
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e.GetBaseException();
        }
    }

    /// <summary>The HTTP settings moved from their default port, which another process holds, to a free one, said on standard error.</summary>
    private static async Task<HttpSettings> MovedAsync(HttpSettings http)
    {
        using var free = Ports.TryListen(0)!;
        var port = ((System.Net.IPEndPoint)free.LocalEndPoint!).Port;
        await Console.Error.WriteLineAsync(
            $"silo: {SiloSettings.Section}:{nameof(HttpSettings.HttpPort)} {http.HttpPort} (the default) is in use, so probes and metrics are on port {port} (set {SiloSettings.Section}__{nameof(HttpSettings.HttpPort)} to choose; 0 for none)");
        return http with { HttpPort = port };
    }

    private static string Text(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static T Configure<T>(T builder, SiloSettings settings)
        where T : IHostApplicationBuilder
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.AddProcessMeshSilo();
        builder.Services.AddHostedService<ListeningBanner>();
        builder.Services.AddHostedService<MembershipLog>();
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();

        // A graceful stop gets three quarters of the shutdown timeout; Orleans then stops ungracefully, and what is
        // still running when the whole timeout is over is left behind (see Main).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout * 0.75);
        return builder;
    }
}
