using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Load;

/// <summary>
/// A load test its client gives up on (<see cref="ICoordinatorGrain.Cancel"/>) stops in the middle of its drive,
/// whatever the model: the thread models' threads as the process path's callers, not at the end of the drive.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LoadCancelTests(ClusterFixture cluster)
{
    /// <summary>Generous on a loaded machine: a cancelled drive ends at its threads' next call, within milliseconds.</summary>
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(Models.Process)]
    [InlineData(Models.Thread)]
    [InlineData(Models.Gil)]
    public async Task A_cancelled_load_stops_mid_drive(string model)
    {
        var key = Guid.NewGuid();
        var coordinator = cluster.Client.GetGrain<ICoordinatorGrain>(key);

        // One drive of ten minutes: only a cancellation can end it within the bound.
        var test = coordinator.RunLoad(model, new LoadSpec { Grains = 50, PayloadBytes = 64, Duration = TimeSpan.FromMinutes(10), Warmups = 0, Repeats = 1 }, 2);
        var progress = cluster.Client.GetGrain<ILoadProgressGrain>(key);
        var until = DateTime.UtcNow + _bound;
        while (await progress.Read() is not { Phase: LoadProgress.Drive, Done: > 0 })
        {
            Assert.False(test.IsCompleted, $"the {model} load ended before its drive reported a call");
            Assert.True(DateTime.UtcNow < until, $"the {model} load's drive reported no call within {_bound.TotalSeconds:0} s");
            await Task.Delay(50);
        }

        await coordinator.Cancel();
        var ended = await Record.ExceptionAsync(() => test.WaitAsync(_bound));
        Assert.False(ended is TimeoutException, $"the {model} load went on driving for {_bound.TotalSeconds:0} s after its coordinator was cancelled");
        Assert.IsAssignableFrom<OperationCanceledException>(ended);
    }
}
