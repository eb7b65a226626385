namespace ProcessMesh.Bench;

/// <summary>Activates and does nothing else.</summary>
public sealed class BareIdleGrain : Grain, IBareIdleGrain
{
    public Task Touch() => Task.CompletedTask;

    public Task Leave()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
