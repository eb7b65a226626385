using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Load;

/// <summary>Holds a running load test's latest progress for the client to read; gone when the test is.</summary>
internal sealed class LoadProgressGrain : Grain, ILoadProgressGrain
{
    private LoadProgress? _latest;

    public Task Report(LoadProgress progress)
    {
        _latest = progress;
        DelayDeactivation(TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    public Task<LoadProgress?> Read() => Task.FromResult(_latest);
}
