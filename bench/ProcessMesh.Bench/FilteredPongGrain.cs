namespace ProcessMesh.Bench;

/// <summary>
/// Answers a bare ping, through a filter of its own that only passes the call on, as a process worker of a
/// <c>grain</c> run does: Orleans then builds an invoker for every call to it, which <see cref="BarePongGrain"/> does not get.
/// </summary>
public sealed class FilteredPongGrain : Grain, IFilteredPongGrain, IIncomingGrainCallFilter
{
    public Task<long> Pong(long sequence) => Task.FromResult(sequence + 1);

    public Task Invoke(IIncomingGrainCallContext context) => context.Invoke();
}
