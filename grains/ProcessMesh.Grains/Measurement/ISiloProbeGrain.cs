namespace ProcessMesh.Grains.Measurement;

/// <summary>One per silo (its key is the silo's address): opens, tells and reads that silo's sink of a run.</summary>
public interface ISiloProbeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens run <paramref name="runId"/>'s sink on this silo before any worker starts, and reads the silo's memory.
    /// With <paramref name="acrossSilos"/> the sink keeps cross-silo latencies apart.
    /// </summary>
    Task Open(string runId, bool acrossSilos);

    /// <summary>
    /// Makes ready what run <paramref name="runId"/>'s emulated workers pay on this silo (its cost model and the probes
    /// of what a grain call and carrying a message cost here), before the workers start: the probes are the harness's,
    /// not a process's start, so they are not counted in the run's start.
    /// </summary>
    Task Prepare(string runId, Contracts.RunSpec spec);

    /// <summary>
    /// Tells this silo's sink where every worker lives (<paramref name="homes"/>[rank] indexes <paramref name="silos"/>)
    /// and where the driver does, once all have started, and reads the memory they added and the CPU just before the
    /// clock starts.
    /// </summary>
    Task Placed(string runId, string[] silos, short[] homes, short driver);

    /// <summary>Worker <paramref name="worker"/> of run <paramref name="runId"/> was started again on this silo: its messages are classed by it from now on.</summary>
    Task Moved(string runId, int worker);

    /// <summary>Closes run <paramref name="runId"/>'s sink on this silo and reports it.</summary>
    Task<SiloSinkReport> Close(string runId);

    /// <summary>The machine this silo runs on.</summary>
    Task<Contracts.SiloMachine> Machine();
}
