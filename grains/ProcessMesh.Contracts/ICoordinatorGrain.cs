namespace ProcessMesh.Contracts;

/// <summary>
/// Runs experiments inside the cluster, so the client's own link to the cluster is not in the measurement.
/// Use a fresh key per run: runs with different keys proceed independently.
/// </summary>
public interface ICoordinatorGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Refuses <paramref name="spec"/>, before anything of it runs, as <see cref="Run"/> would (a
    /// <see cref="RunRefusedException"/> naming the setting): admission has one owner, the silo that would hold the
    /// workers, weighing its own machine. The CLI asks it for every spec before the first run starts.
    /// </summary>
    Task Admit(RunSpec spec);

    /// <summary>Runs one measured repetition of <paramref name="spec"/> and returns its record.</summary>
    Task<RunResult> Run(RunSpec spec);

    /// <summary>
    /// Stops what this coordinator runs (<see cref="Run"/> or <see cref="RunLoad"/>) as its time limit would: its
    /// workers stop and the call returns a <c>lost</c> record saying the client gave up on it. The client calls it
    /// when it stops waiting (interrupted, past its bound, its gateway switched), so a run nobody will read does
    /// not go on burning the silos' cores. Answered while the run is in flight (it interleaves); a coordinator
    /// told before its run starts stops that run at once.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task Cancel();

    /// <summary>
    /// Refuses a load test of <paramref name="model"/>, before anything of it runs, as <see cref="RunLoad"/> would: the
    /// population weighed against this silo's machine (admission's one owner), and a calibration of another machine.
    /// </summary>
    Task AdmitLoad(string model, LoadSpec spec);

    /// <summary>
    /// Runs a load test from inside the cluster (the hosted path): <paramref name="workers"/> closed-loop callers
    /// (process) or threads (thread models) against a population of <see cref="LoadSpec.Grains"/>.
    /// </summary>
    Task<RunResult> RunLoad(string model, LoadSpec spec, int workers);

    /// <summary>
    /// The silo this coordinator is activated on, so the client can watch it while a long call is in flight: a
    /// client learns nothing when the silo that holds its call dies, and would wait for the response timeout.
    /// </summary>
    Task<SiloAddress> Home();

    /// <summary>
    /// The silos active in this coordinator's silo's own view of membership: read without the membership table, so
    /// it answers while the table's store (Redis) is down, as a run does.
    /// </summary>
    Task<SiloAddress[]> Silos();

    /// <summary>Describes the silo this coordinator runs on and the cluster around it.</summary>
    Task<MachineInfo> Describe();

    /// <summary>This silo's live managed heap in bytes, read after a full collection (slow: never inside a timed phase).</summary>
    Task<long> LiveHeapBytes();

    /// <summary>CPU seconds this silo's process has used so far (cheap: no collection).</summary>
    Task<double> CpuSeconds();
}
