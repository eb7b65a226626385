using System.Collections.Concurrent;

namespace ProcessMesh.Grains;

/// <summary>
/// Tells work on this silo when a silo it works for is declared dead (one per silo). A lane whose coordinator's
/// silo died has nobody left to answer: without this it would run its share to the end on a survivor, competing
/// for the cores with the run the CLI starts again there. One watch of this silo's own membership view serves
/// every lane, however many; a silo counts as departed only once membership declares it dead, never while it is
/// merely slow or not yet known here.
/// </summary>
public sealed class SiloDepartures(IClusterMembershipService membership) : IDisposable
{
    private readonly ConcurrentDictionary<SiloAddress, CancellationTokenSource> _watched = new();
    private readonly CancellationTokenSource _stop = new();
    private int _watching;

    /// <summary>A token cancelled once <paramref name="silo"/> is declared dead (cancelled already when it is).</summary>
    public CancellationToken Of(SiloAddress silo)
    {
        if (IsDead(membership.CurrentSnapshot, silo))
        {
            return new CancellationToken(canceled: true);
        }

        var source = _watched.GetOrAdd(silo, _ => new CancellationTokenSource());
        if (Interlocked.Exchange(ref _watching, 1) == 0)
        {
            _ = Task.Run(WatchAsync);
        }

        // A snapshot that arrived between the first look and the registration is not missed.
        if (IsDead(membership.CurrentSnapshot, silo))
        {
            Depart(silo);
        }

        return source.Token;
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_stop.Token))
            {
                foreach (var silo in _watched.Keys.Where(s => IsDead(snapshot, s)))
                {
                    Depart(silo);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the silo is stopping
        }
        catch (ObjectDisposedException)
        {
            // the silo stopped
        }
    }

    private void Depart(SiloAddress silo)
    {
        if (_watched.TryRemove(silo, out var source))
        {
            source.Cancel(); // not disposed: tokens linked to it may still be read
        }
    }

    private static bool IsDead(ClusterMembershipSnapshot snapshot, SiloAddress silo) => snapshot.GetSiloStatus(silo) == SiloStatus.Dead;
}
