using ProcessMesh.Grains.Engines.Process.Emulated;
using Microsoft.Extensions.Hosting;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// Drives lanes of a <see cref="ComputeLanes"/> run on the silo its key names: the silo of the workers it
/// drives. A silo's lanes are dealt over up to <see cref="LaneDriverGrain.Slots"/> drivers a run, each reentrant (its lanes
/// interleave while they wait for their workers), like the pinger grains of Orleans' own ping benchmarks, so the
/// lanes of a silo run on all its cores rather than one after another on one activation; and a run of 100,000
/// workers activates (and registers in the cluster's directory) 64 drivers a silo, not 100,000, at the start of
/// its measured phase. A driver whose silo begins to shut down
/// stops at once and fails its lane back to the coordinator, which has it redone on a survivor: the silo leaves
/// within its shutdown timeout rather than after the lane. A driver whose coordinator's silo is declared dead
/// stops too, with its worker: nobody will read its sum, and the run may be started again on this silo.
/// </summary>
public interface ILaneDriverGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs lane <paramref name="index"/> of run <paramref name="runId"/> to its end (or until <paramref name="stopping"/>,
    /// or until <paramref name="coordinator"/>, the silo of the coordinator that reads the lane, is declared dead).
    /// </summary>
    Task<LaneReply> Drive(string runId, RunSpec spec, int index, SiloAddress coordinator, CancellationToken stopping);
}

/// <inheritdoc cref="ILaneDriverGrain" />
[SiloTargetPlacement]
[Reentrant]
internal sealed class LaneDriverGrain(RunSinks sinks, SiloDepartures departures, IHostApplicationLifetime silo) : Grain, ILaneDriverGrain
{
    /// <summary>How long an orphaned lane waits for its worker to stop.</summary>
    private static readonly TimeSpan _stopLimit = TimeSpan.FromSeconds(5);

    /// <summary>Drivers a silo has for one run (one attempt): lane i goes to driver i mod this.</summary>
    public const int Slots = 64;

    /// <summary>Lanes this driver is driving now (its turns interleave but never run at once, so a plain count).</summary>
    private int _driving;

    public async Task<LaneReply> Drive(string runId, RunSpec spec, int index, SiloAddress coordinator, CancellationToken stopping)
    {
        _driving++;
        var orphaned = departures.Of(coordinator);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, silo.ApplicationStopping, orphaned);
        var workload = WorkloadCatalog.Get(spec.Workload) as ILaneWorkload
            ?? throw new InvalidOperationException($"{spec.Workload} is not driven by lanes");
        var key = ProcessKeys.Of(runId, spec.Placement, index);
        try
        {
            either.Token.ThrowIfCancellationRequested(); // a lane handed out as the run ends must not open a sink it closed
            var run = new ProcessRun(GrainFactory, workload, spec, runId, sinks.For(runId), either.Token);
            var lane = workload.Lane(GrainFactory, spec, key);
            var sum = await ComputeLanes.LaneAsync(run, index, spec.Emulate == Emulation.Grain ? lane : chunk =>
            {
                EmulatedProcess.StampSend(); // each chunk is a message to an emulated process: stamped, as a peer's is
                return lane(chunk);
            });
            return new LaneReply(sum, run.Recoveries, run.LastFailure);
        }
        catch (OperationCanceledException) when (silo.ApplicationStopping.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new InvalidOperationException($"lane {index}: its driver's silo is shutting down");
        }
        catch (OperationCanceledException) when (orphaned.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // The coordinator's silo is dead: its run is over, though nobody could say so. Stop the worker and drop
            // the run's sink here (no coordinator is left to close it); the caller's answer goes nowhere.
            try
            {
                await workload.ProcessWorker(GrainFactory, spec, key).Stop().WaitAsync(_stopLimit);
            }
            catch (Exception)
            {
                // its silo is gone too, or going: nothing is left to stop
            }

            sinks.Close(runId);
            throw new InvalidOperationException($"lane {index}: the silo of its coordinator, {coordinator.Endpoint}, was declared dead; the lane stopped");
        }
        finally
        {
            if (--_driving == 0)
            {
                DeactivateOnIdle();
            }
        }
    }

    /// <summary>
    /// The driver of lane <paramref name="index"/> on <paramref name="silo"/> (one of <see cref="Slots"/>); each
    /// <paramref name="attempt"/> at a lane is driven by grains of its own, so a redone lane never waits behind a
    /// driver that failed.
    /// </summary>
    public static ILaneDriverGrain On(IGrainFactory grains, SiloAddress silo, string runId, int index, int attempt) =>
        grains.GetGrain<ILaneDriverGrain>($"{silo.ToParsableString()}|{runId}/{index % Slots}/{attempt}");
}
