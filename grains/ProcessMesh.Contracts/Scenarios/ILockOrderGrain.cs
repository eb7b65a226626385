namespace ProcessMesh.Contracts.Scenarios;

/// <summary>
/// The <c>deadlock</c> scenario's shared-memory half: two OS threads in one silo each take two locks, in the same
/// or in opposite order. Waits are bounded, so a deadlock is detected and reported rather than hung on.
/// </summary>
public interface ILockOrderGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Starts two threads that both hold their first lock before reaching for their second; a wait longer than
    /// <paramref name="timeoutMs"/> counts as a deadlock, after which both threads let go and retry in one order.
    /// </summary>
    Task<LockOrderReport> TakeTwoLocks(bool oppositeOrder, int timeoutMs);
}
