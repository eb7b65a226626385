namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>No interpreter lock: threads run compute in parallel.</summary>
public sealed class NoInterpreterLock : IInterpreterLock
{
    /// <summary>The one instance.</summary>
    public static NoInterpreterLock Instance { get; } = new();

    private NoInterpreterLock()
    {
    }

    /// <inheritdoc />
    public void Acquire()
    {
    }

    /// <inheritdoc />
    public void Release()
    {
    }

    /// <inheritdoc />
    public void Checkpoint()
    {
    }

    /// <inheritdoc />
    public bool IsHeld => false;
}
