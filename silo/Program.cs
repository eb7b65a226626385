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
            settings = SiloHosting.ReadSettings(web.Configuration);
            http = SiloHttp.ReadSettings(web.Configuration);
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
        if (settings.UsesRedis && await RedisEndpoint.ProblemAsync(settings.Redis, RedisEndpoint.ConnectTimeout) is { } problem)
        {
            await Console.Error.WriteLineAsync($"silo: {SiloSettings.Section}:Redis: {problem}");
            return BadSetting;
        }

        IHost host;
        if (http.Enabled)
        {
            Configure(web, settings).AddProcessMeshHttp(http);
            host = web.Build().MapProcessMeshHttp(http);
        }
        else
        {
            host = Configure(Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory }), settings).Build();
        }

        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"silo: could not start: {e.GetBaseException().Message}");
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

    private static T Configure<T>(T builder, SiloSettings settings)
        where T : IHostApplicationBuilder
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.AddProcessMeshSilo(settings);
        builder.Services.AddHostedService<ListeningBanner>();
        builder.Services.AddHostedService<MembershipLog>();
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();

        // A graceful stop gets three quarters of the shutdown timeout; Orleans then stops ungracefully, and what is
        // still running when the whole timeout is over is left behind (see Main).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout * 0.75);
        return builder;
    }
}
