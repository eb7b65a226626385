namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// How much longer than asked one waiter's <see cref="IoTimer.WaitAsync(long, WaitLedger)"/> waits have taken so far,
/// not yet taken off a later wait: one per emulated process, so each one's waits sum to what it asked.
/// </summary>
public sealed class WaitLedger
{
    /// <summary>The overrun carried to the next waits, <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    internal long OverrunTicks;
}
