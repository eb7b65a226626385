using ProcessMesh.Contracts;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Load;

/// <summary>A process grain of a load test's population.</summary>
internal sealed class LoadGrain : Grain, ILoadGrain
{
    private byte[] _memory = [];
    private byte[] _inbox = [];

    public Task Activate(long memoryBytes)
    {
        if (_memory.Length != memoryBytes)
        {
            _memory = PrivateMemory.Allocate(memoryBytes);
        }

        return Task.CompletedTask;
    }

    public ValueTask<long> Echo(byte[] payload) => ValueTask.FromResult(PrivateMemory.Echo(ref _inbox, payload));

    public Task Deactivate()
    {
        _memory = [];
        _inbox = [];
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
