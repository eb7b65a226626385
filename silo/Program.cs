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

            return 2;
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

        await host.RunAsync();
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
        return builder;
    }
}
