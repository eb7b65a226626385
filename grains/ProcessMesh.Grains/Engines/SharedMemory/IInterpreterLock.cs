namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>
/// The lock a pool's threads hold while they run compute steps. The <c>gil</c> model's is
/// <c>Engines/Gil/InterpreterLock</c>, after CPython's; the <c>thread</c> model has none (<see cref="NoInterpreterLock"/>).
/// </summary>
public interface IInterpreterLock
{
    /// <summary>Takes the lock (blocks until it is this thread's).</summary>
    void Acquire();

    /// <summary>Gives the lock up, as CPython does around blocking I/O and native code. Only its holder may.</summary>
    void Release();

    /// <summary>Called by the holder between compute steps: gives the lock to a waiting thread once the switch interval is up.</summary>
    void Checkpoint();

    /// <summary>Whether the calling thread holds the lock.</summary>
    bool IsHeld { get; }
}
