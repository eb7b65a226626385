using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Load;

/// <summary>A process grain of a load test's population.</summary>
internal sealed class LoadGrain : Grain, ILoadGrain
{
    private const int PageBytes = 4096;
    private byte[] _memory = [];
    private byte[] _inbox = [];

    public Task Activate(long memoryBytes)
    {
        if (_memory.Length != memoryBytes)
        {
            _memory = GC.AllocateUninitializedArray<byte>(checked((int)memoryBytes));
            for (var i = 0; i < _memory.Length; i += PageBytes)
            {
                _memory[i] = 1; // touch every page so the memory is really committed
            }
        }

        return Task.CompletedTask;
    }

    public Task<long> Echo(byte[] payload)
    {
        if (_inbox.Length < payload.Length)
        {
            _inbox = new byte[payload.Length];
        }

        payload.CopyTo(_inbox, 0);
        long sum = payload.Length;
        foreach (var b in _inbox.AsSpan(0, payload.Length))
        {
            sum += b;
        }

        return Task.FromResult(sum);
    }

    public Task Deactivate()
    {
        _memory = [];
        _inbox = [];
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
