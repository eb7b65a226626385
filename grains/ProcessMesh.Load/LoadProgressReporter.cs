using ProcessMesh.Contracts;

namespace ProcessMesh.Load;

/// <summary>
/// Reports a running load test's progress to the <see cref="ILoadProgressGrain"/> keyed by its coordinator, twice a
/// second, for every path and model that drives one: a client follows the test there while the coordinator is busy.
/// </summary>
public static class LoadProgressReporter
{
    /// <summary>How often progress is reported.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Reports what <paramref name="read"/> returns every <see cref="Interval"/> until <paramref name="stop"/>; a lost
    /// report is only a missed update.
    /// </summary>
    public static async Task RunAsync(IGrainFactory grains, Guid coordinator, Func<Task<LoadProgress>> read, CancellationToken stop)
    {
        var sink = grains.GetGrain<ILoadProgressGrain>(coordinator);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stop);
                await sink.Report(await read());
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // progress is a courtesy: the test goes on
            }
        }
    }
}
