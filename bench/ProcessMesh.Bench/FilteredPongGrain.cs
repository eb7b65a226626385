namespace ProcessMesh.Bench;

/// <summary>
/// Answers a bare ping, through a filter of its own that only passes the call on, as an emulated run's process worker
/// is shaped: Orleans then builds an invoker for every call to it, which <see cref="BarePongGrain"/> does not get.
/// </summary>
public sealed class FilteredPongGrain : Grain, IBarePongGrain, IIncomingGrainCallFilter
{
    public Task<long> Pong(long sequence) => Task.FromResult(sequence + 1);

    public Task Invoke(IIncomingGrainCallContext context) => context.Invoke();
}
