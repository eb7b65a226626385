using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Load;

/// <summary>The hosted load path: drives a test from inside the cluster, next to a coordinator for readings.</summary>
[PreferLocalPlacement]
internal sealed class LoadDriverGrain : Grain, ILoadDriverGrain
{
    public async Task<RunResult> Run(LoadSpec spec)
    {
        var coordinator = GrainFactory.GetGrain<ICoordinatorGrain>(this.GetPrimaryKey());
        var machine = await coordinator.Describe();
        if (Admission.Check(spec, machine.MemoryBytes) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }

        var driver = new LoadDriver(GrainFactory, spec with { Path = LoadPaths.Hosted }, coordinator.Probe, machine);
        try
        {
            return await driver.RunAsync();
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}
