using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// The silo's live heap once a population is gone. Orleans deactivates grains in the background, so the heap is
/// read until it is back near its level before the population (or a bounded time has passed).
/// </summary>
internal static class Settle
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(8);
    private const double SettledFraction = 1.10;
    private const long SettledSlackBytes = 2L << 20;

    /// <summary>Waits (a bounded time) for the heap to come back near <paramref name="before"/>; returns the last reading.</summary>
    public static async Task<long> HeapAfterAsync(ICoordinatorGrain coordinator, long before, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _timeout;
        long heap;
        while ((heap = await coordinator.LiveHeapBytes().WaitAsync(Cluster.CoordinatorWatch.Unanswered, cancellationToken)) > (before * SettledFraction) + SettledSlackBytes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }

        return heap;
    }
}
