using Microsoft.Extensions.DependencyInjection;

namespace ProcessMesh.Grains.Engines;

/// <summary>Registers every <see cref="IModelEngine"/> in this assembly.</summary>
public static class EngineRegistration
{
    /// <summary>Adds each engine class as a singleton <see cref="IModelEngine"/>.</summary>
    public static IServiceCollection AddProcessMeshEngines(this IServiceCollection services)
    {
        var engines = typeof(IModelEngine).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IModelEngine).IsAssignableFrom(t));
        foreach (var engine in engines)
        {
            services.AddSingleton(typeof(IModelEngine), engine);
        }

        return services;
    }
}
