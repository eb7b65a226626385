using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProcessMesh.Grains.Calibrate;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.Process.Emulated;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines;

/// <summary>Registers every <see cref="IModelEngine"/> in this assembly, the workloads this silo offers (<see cref="SiloWorkloads"/>), and what they measure, calibrate and place with.</summary>
public static class EngineRegistration
{
    /// <summary>Adds each engine class as a singleton <see cref="IModelEngine"/>, the run sinks, the emulated processes' costs and the placement directors.</summary>
    public static IServiceCollection AddProcessMeshEngines(this IServiceCollection services)
    {
        var engines = typeof(IModelEngine).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IModelEngine).IsAssignableFrom(t));
        foreach (var engine in engines)
        {
            services.AddSingleton(typeof(IModelEngine), engine);
        }

        services.AddSingleton<SiloWorkloads>();
        services.AddSingleton<RunSinks>();
        services.AddSingleton<SiloDepartures>();
        services.AddSingleton<ProcessCosts>();
        // Each silo's calibration of its own machine (a test or a host may register its own cache first).
        services.TryAddSingleton(_ => CalibrationCache.Default());
        services.TryAddSingleton<CalibrationSource>();
        services.TryAddSingleton<ICalibrationSource>(sp => sp.GetRequiredService<CalibrationSource>());
        services.AddPlacementDirector<WorkerPlacement, WorkerPlacementDirector>();
        services.AddPlacementDirector<SiloTargetPlacement, SiloTargetPlacementDirector>();
        return services;
    }
}
