using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Load;

/// <summary>One silo's callers of a hosted drive: keyed by its silo's address (and the test and drive), placed there.</summary>
internal interface ILoadCallerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs share <paramref name="share"/> of <paramref name="shares"/> of one drive of <paramref name="spec"/>
    /// against the population of test <paramref name="runId"/>.
    /// </summary>
    Task<DriveShare> Drive(LoadSpec spec, string runId, int share, int shares, CancellationToken cancellation);

    /// <summary>Calls issued so far by the drive under way (for live progress).</summary>
    [AlwaysInterleave]
    Task<long> Calls();
}

/// <inheritdoc cref="ILoadCallerGrain" />
[SiloTargetPlacement]
internal sealed class LoadCallerGrain : Grain, ILoadCallerGrain
{
    private static readonly string _process = $"{Environment.MachineName}/{Environment.ProcessId}";
    private Drive? _drive;

    public async Task<DriveShare> Drive(LoadSpec spec, string runId, int share, int shares, CancellationToken cancellation)
    {
        try
        {
            var population = Enumerable.Range(0, spec.Grains).Select(i => GrainFactory.GetGrain<ILoadGrain>(LoadDriver.Key(runId, i))).ToArray();
            var payload = new byte[spec.PayloadBytes];
            _drive = new Drive(spec, share, shares);
            var cpuBefore = PhaseClock.ProcessCpuSeconds();

            // The callers run on the thread pool, not as continuations of this activation: a silo's callers use
            // all its cores, as the client's callers do on the external path.
            await Task.Run(() => _drive.RunAsync(population, payload, cancellation), cancellation);
            _drive.CpuSeconds = PhaseClock.ProcessCpuSeconds() - cpuBefore;
            return DriveShare.Of(_drive.Figures, _process);
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    public Task<long> Calls() => Task.FromResult(_drive?.Calls ?? 0);

    /// <summary>The callers of drive <paramref name="drive"/> of test <paramref name="runId"/> on <paramref name="silo"/>.</summary>
    public static ILoadCallerGrain On(IGrainFactory grains, SiloAddress silo, string runId, int drive) =>
        grains.GetGrain<ILoadCallerGrain>($"{silo.ToParsableString()}|{runId}/{drive}");
}
