namespace ProcessMesh.Contracts;

/// <summary>How thread workers guard the shared memory region.</summary>
public enum SyncPrimitive
{
    /// <summary>A monitor (<c>lock</c>).</summary>
    Lock,

    /// <summary>Atomic read-modify-write instructions.</summary>
    Interlocked,

    /// <summary>A busy-waiting spin lock.</summary>
    Spin,

    /// <summary>No guard: a plain read then write, so concurrent updates can be lost (and are counted).</summary>
    None,
}
