using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Hybrid;

/// <summary>One silo's pool of the <c>hybrid</c> model: keyed by its silo's address (and the run), placed there.</summary>
public interface IHybridPoolGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs <paramref name="share"/> (units <paramref name="firstUnit"/> onwards) on this silo's threads, until done or
    /// <paramref name="cancelled"/> (the client gave up on the run).
    /// </summary>
    Task<EngineRun> Run(RunSpec share, long firstUnit, CancellationToken cancelled);
}

/// <inheritdoc cref="IHybridPoolGrain" />
[SiloTargetPlacement]
internal sealed class HybridPoolGrain(ILocalSiloDetails silo) : Grain, IHybridPoolGrain
{
    public async Task<EngineRun> Run(RunSpec share, long firstUnit, CancellationToken cancelled)
    {
        try
        {
            return await new SharedMemoryPool(share, NoInterpreterLock.Instance, silo.SiloAddress.Endpoint.ToString(), firstUnit).RunAsync(cancelled);
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}
