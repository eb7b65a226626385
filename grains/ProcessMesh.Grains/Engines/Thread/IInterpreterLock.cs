namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>
/// The lock a pool's workers hold while they run compute steps. The <c>thread</c> model has none
/// (<see cref="NoInterpreterLock"/>); the <c>gil</c> model plugs in one like CPython's.
/// </summary>
public interface IInterpreterLock
{
    /// <summary>Takes the lock (blocks until it is this thread's turn).</summary>
    void Acquire();

    /// <summary>Gives the lock up, as CPython does around blocking I/O and native code.</summary>
    void Release();

    /// <summary>Called between compute steps: offers the lock to waiting threads once the switch interval is up.</summary>
    void Checkpoint();
}
