using System.Diagnostics;

namespace ProcessMesh.Bench;

/// <summary>Bare Orleans activation: no private memory, no measurement but one clock around the whole population.</summary>
public sealed class BareActivatorGrain : Grain, IBareActivatorGrain
{
    public async Task<double> Activate(long first, int count, int parallelism)
    {
        var start = Stopwatch.GetTimestamp();
        await ForEach(first, count, parallelism, g => g.Touch());
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    public Task Deactivate(long first, int count, int parallelism) => ForEach(first, count, parallelism, g => g.Leave());

    private Task ForEach(long first, int count, int parallelism, Func<IBareIdleGrain, Task> call) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, TaskScheduler = TaskScheduler.Current },
            async (i, _) => await call(GrainFactory.GetGrain<IBareIdleGrain>(first + i)));
}
