using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProcessMesh.Silo;

/// <summary>The standalone silo: <c>dotnet run --project silo</c>.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        SiloSettings settings;
        try
        {
            settings = SiloHosting.ReadSettings(builder.Configuration);
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync($"silo: {failure}");
            }

            return 2;
        }

        builder.AddProcessMeshSilo(settings);
        builder.Services.AddHostedService<ListeningBanner>();
        await builder.Build().RunAsync();
        return 0;
    }
}
