using ProcessMesh.Contracts;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Load;

/// <summary>
/// A load test run inside the coordinator grain: on the hosted path every active silo drives its share of the
/// callers (or of the open loop's schedule) from a <see cref="LoadCallerGrain"/> of its own, and the shares merge
/// into one drive; on the external path it drives as <see cref="LoadTest"/> does. The hosted path reads the active
/// silos from its silo's own view of <paramref name="membership"/> (never the membership table, whose store may be down).
/// </summary>
/// <param name="grains">Calls the population.</param>
/// <param name="spec">The test.</param>
/// <param name="silo">The coordinator whose silo's heap and CPU are read.</param>
/// <param name="machine">The machine, for the record.</param>
/// <param name="membership">The hosting silo's membership, which the hosted path spreads its callers over; null on the external path.</param>
public sealed class LoadDriver(IGrainFactory grains, LoadSpec spec, ICoordinatorGrain silo, MachineInfo machine, IClusterMembershipService? membership = null)
    : LoadTest(grains, spec, silo, machine)
{
    private ILoadCallerGrain[] _callers = [];

    /// <inheritdoc />
    protected override Task<DriveFigures> DriveAsync(string runId, int drive, string phase, int number, ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken) =>
        Spec.Path == LoadPaths.Hosted
            ? SpreadDriveAsync(runId, drive, phase, number, cancellationToken)
            : base.DriveAsync(runId, drive, phase, number, population, payload, cancellationToken);

    /// <inheritdoc />
    protected override async Task<long?> CallsElsewhereAsync() =>
        _callers is { Length: > 0 } callers ? (await Task.WhenAll(callers.Select(c => c.Calls()))).Sum() : null;

    /// <summary>One drive by callers on every active silo, each silo's share from a caller grain placed there.</summary>
    private async Task<DriveFigures> SpreadDriveAsync(string runId, int number, string phase, int phaseNumber, CancellationToken cancellationToken)
    {
        var silos = ActiveSilos.In(membership ?? throw new InvalidOperationException("a hosted load is driven inside a silo, from its view of membership"))
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();

        // Closed loop: never more silos than callers, and each its share of them; open loop: each silo every n-th call.
        var shares = Spec.IsOpen ? silos.Length : Math.Min(silos.Length, Spec.Concurrency);
        var callers = Enumerable.Range(0, shares).Select(s => LoadCallerGrain.On(Grains, silos[s], runId, number)).ToArray();
        Phase(phase, phaseNumber);
        _callers = callers;

        try
        {
            // One silo's share failing fails the drive: the other shares are stopped then, not waited for to the end.
            using var drive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var parts = await Task.WhenAll(callers.Select(async (caller, s) =>
            {
                try
                {
                    return await caller.Drive(
                        Spec.IsOpen ? Spec : Spec with { Concurrency = (int)Workloads.WorkSplit.Share(Spec.Concurrency, shares, s) }, runId, s, shares, drive.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await drive.CancelAsync();

                    // A drive without one silo's calls would read as a slower cluster: it is refused, naming the silo.
                    throw new InvalidOperationException(
                        e is SiloUnavailableException or OrleansMessageRejectionException
                            ? $"silo {silos[s].Endpoint} left the cluster during a drive, and its callers' share of the load with it"
                            : $"the load's callers on silo {silos[s].Endpoint} failed during a drive, so its figures are incomplete: {e.Message.Split('\n')[0]}",
                        e);
                }
            }));
            return DriveShare.Merge(parts, Spec);
        }
        finally
        {
            _callers = [];
        }
    }
}
