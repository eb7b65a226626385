using Microsoft.Extensions.Hosting;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// Drives one lane of a <see cref="ComputeLanes"/> run on the silo its key names: the silo of the worker it
/// drives. One grain a lane, like the pinger grains of Orleans' own ping benchmarks, so the lanes of a silo run
/// on all its cores rather than one after another on one activation. A driver whose silo begins to shut down
/// stops at once and fails its lane back to the coordinator, which has it redone on a survivor: the silo leaves
/// within its shutdown timeout rather than after the lane.
/// </summary>
public interface ILaneDriverGrain : IGrainWithStringKey
{
    /// <summary>Runs lane <paramref name="index"/> of run <paramref name="runId"/> to its end (or until <paramref name="stopping"/>).</summary>
    Task<LaneReply> Drive(string runId, RunSpec spec, int index, CancellationToken stopping);
}

/// <inheritdoc cref="ILaneDriverGrain" />
[SiloTargetPlacement]
internal sealed class LaneDriverGrain(RunSinks sinks, IHostApplicationLifetime silo) : Grain, ILaneDriverGrain
{
    public async Task<LaneReply> Drive(string runId, RunSpec spec, int index, CancellationToken stopping)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, silo.ApplicationStopping);
        try
        {
            either.Token.ThrowIfCancellationRequested(); // a lane handed out as the run ends must not open a sink it closed
            var workload = WorkloadCatalog.Get(spec.Workload) as ILaneWorkload
                ?? throw new InvalidOperationException($"{spec.Workload} is not driven by lanes");
            var run = new ProcessRun(GrainFactory, workload, spec, runId, sinks.For(runId), either.Token);
            var sum = await ComputeLanes.LaneAsync(run, index, workload.Lane(GrainFactory, ProcessKeys.Of(runId, spec.Placement, index)));
            return new LaneReply(sum, run.Recoveries, run.LastFailure);
        }
        catch (OperationCanceledException) when (silo.ApplicationStopping.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new InvalidOperationException($"lane {index}: its driver's silo is shutting down");
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// The driver of lane <paramref name="index"/> on <paramref name="silo"/>; each <paramref name="attempt"/> at
    /// the lane is a grain of its own, so a redone lane never waits behind a driver that failed.
    /// </summary>
    public static ILaneDriverGrain On(IGrainFactory grains, SiloAddress silo, string runId, int index, int attempt) =>
        grains.GetGrain<ILaneDriverGrain>($"{silo.ToParsableString()}|{runId}/{index}/{attempt}");
}
