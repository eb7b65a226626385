using Orleans.Runtime.Placement;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Measurement;

/// <summary>Reads this silo's sinks; placed on the silo its key names, never anywhere else.</summary>
[SiloTargetPlacement]
internal sealed class SiloProbeGrain(RunSinks sinks, ILocalSiloDetails silo, Engines.Process.Emulated.ProcessCosts costs) : Grain, ISiloProbeGrain
{
    public Task Open(string runId, bool acrossSilos)
    {
        sinks.Open(runId, acrossSilos).MemoryBefore = MemoryReading.Take();
        return Task.CompletedTask;
    }

    public Task Prepare(string runId, RunSpec spec) => costs.ForRunAsync(spec, runId);

    public Task Placed(string runId, string[] silos, short[] homes, short driver)
    {
        var sink = sinks.For(runId);
        sink.Homes = new WorkerHomes(silos, homes, (short)Array.IndexOf(silos, Here), driver);
        if (sink.Workers > 0)
        {
            sink.MemoryAfter = MemoryReading.Take();
        }

        sink.CpuAtOpen = PhaseClock.ProcessCpuSeconds();
        return Task.CompletedTask;
    }

    public Task Moved(string runId, int worker)
    {
        sinks.For(runId).Homes.Moved(worker, Here);
        return Task.CompletedTask;
    }

    public Task<SiloSinkReport> Close(string runId) => Task.FromResult(Report(sinks.Close(runId), Here));

    public Task<SiloMachine> Machine() => Task.FromResult(SiloMachine.Current(Here));

    private string Here => silo.SiloAddress.Endpoint.ToString();

    /// <summary>What a sink holds, as a report of silo <paramref name="silo"/>.</summary>
    public static SiloSinkReport Report(RunSink sink, string silo) => new()
    {
        Silo = silo,
        Workers = sink.Workers,
        Messages = sink.Messages,
        CrossSiloMessages = sink.CrossSiloMessages,
        PayloadBytes = sink.PayloadBytes,
        LocalLatency = sink.LocalLatency.Encode(),
        CrossSiloLatency = sink.CrossSiloLatency.Encode(),
        Ledger = sink.Ledger,
        UnitsDone = sink.UnitsDone,
        HeapBytes = GC.GetTotalMemory(forceFullCollection: false),
        CpuSeconds = sink.CpuAtOpen > 0 ? PhaseClock.ProcessCpuSeconds() - sink.CpuAtOpen : 0,
        Memory = sink.MemoryAfter is { } after ? new SiloMemory(sink.MemoryBefore, after) : null,
    };

    /// <summary>The probe of <paramref name="silo"/>.</summary>
    public static ISiloProbeGrain On(IGrainFactory grains, SiloAddress silo) => grains.GetGrain<ISiloProbeGrain>(silo.ToParsableString());
}

/// <summary>Places a grain on the silo whose address is its key.</summary>
[GenerateSerializer, Immutable, Alias("pm.SiloTargetPlacement")]
public sealed class SiloTargetPlacement : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="SiloTargetPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SiloTargetPlacementAttribute() : PlacementAttribute(new SiloTargetPlacement());

/// <summary>
/// Places a grain keyed by a silo address on that silo, or refuses when the silo is not active. Active is what this
/// silo's membership says, or the placement context's compatible silos: the context learns a silo's grain types from
/// its manifest a moment after membership lists it, and under heavy load (10,000 emulated workers over three silos
/// on two cores) it left a silo out that had been active for minutes, which failed every lane driver placed there.
/// </summary>
public sealed class SiloTargetPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        // The key is the silo's address, optionally followed by '|' and whatever tells several such grains apart.
        var wanted = SiloAddress.FromParsableString(target.GrainIdentity.Key.ToString()!.Split('|')[0]);
        return context.GetCompatibleSilos(target).Contains(wanted) || ActiveSilos.In(membership).Contains(wanted)
            ? Task.FromResult(wanted)
            : Task.FromException<SiloAddress>(new InvalidOperationException($"silo {wanted.Endpoint} left the cluster (it is not active): its figures are lost"));
    }
}
