using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Load;

namespace ProcessMesh.Cli.Running;

/// <summary>Runs a load test on the path it names: in a driver grain (hosted) or from this client (external).</summary>
internal static class LoadRunner
{
    public static async Task<RunResult> RunAsync(IGrainFactory grains, LoadSpec spec, ProgressReporter progress, CancellationToken cancellationToken)
    {
        if (spec.Path == LoadPaths.Hosted)
        {
            progress.Begin($"hosted load: {spec.Grains:N0} grains, {Describe(spec)} (activation, load, clean-up run inside the cluster)");
            var hosted = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).RunLoad(Models.Process, spec, spec.Concurrency).WaitAsync(cancellationToken);
            progress.End();
            return hosted;
        }

        var coordinator = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        var machine = await coordinator.Describe();
        if (Admission.Check(spec, machine.MemoryBytes) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }

        var started = false;
        var driver = new LoadDriver(grains, spec, coordinator, machine)
        {
            OnPhase = phase =>
            {
                if (started)
                {
                    progress.End();
                }

                started = true;
                progress.Begin($"external load: {phase}");
            },
        };
        var result = await driver.RunAsync(cancellationToken);
        progress.End();
        return result;
    }

    private static string Describe(LoadSpec spec) =>
        spec.IsOpen ? $"{spec.Rate:N0} calls/s for {spec.Duration.TotalSeconds:0.#} s" : $"{spec.Concurrency} callers for {spec.Duration.TotalSeconds:0.#} s";
}
