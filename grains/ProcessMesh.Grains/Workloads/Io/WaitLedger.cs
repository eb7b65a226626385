namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// How much longer than asked one waiter's paths have taken so far, not yet taken off a later wait: one per emulated
/// process, so each one's messages sum to what they asked. An emulated message charges its whole leg (<see cref="Charge"/>): the burns that ran
/// past what they asked, the hop back from the timer, the carrying around them, and a grain call that alone took
/// longer than the message's one way.
/// </summary>
public sealed class WaitLedger
{
    /// <summary>
    /// The most a ledger owes, <see cref="System.Diagnostics.Stopwatch"/> ticks (a millisecond, a hundred or so of a
    /// dotnet message's waits): a pause of the whole silo, or a busy stretch whose overruns the waits could not absorb,
    /// is not paid back by a burst of messages that wait for nothing once it is over.
    /// </summary>
    public static readonly long Most = System.Diagnostics.Stopwatch.Frequency / 1000;

    /// <summary>The overrun carried to the next waits, <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    internal long OverrunTicks;

    /// <summary>
    /// What is still to wait of <paramref name="ticks"/> once the overrun owed is taken off it (spent as far as it
    /// goes): zero when the overrun covers all of it.
    /// </summary>
    public long Take(long ticks)
    {
        if (ticks <= 0)
        {
            return 0;
        }

        var owed = Math.Min(Interlocked.Read(ref OverrunTicks), ticks);
        if (owed <= 0)
        {
            return ticks;
        }

        Interlocked.Add(ref OverrunTicks, -owed);
        return ticks - owed;
    }

    /// <summary>
    /// Charges a path that was asked <paramref name="askedTicks"/> and took <paramref name="tookTicks"/>: what it took
    /// beyond what it asked is owed and taken off later waits (<see cref="Take"/>), the ledger owing at most
    /// <see cref="Most"/> in all. A path that took less owes nothing (a wait never ends early; a leg is shorter than
    /// asked only by what the ledger already took off it).
    /// </summary>
    public void Charge(long askedTicks, long tookTicks)
    {
        var over = tookTicks - askedTicks;
        if (over <= 0)
        {
            return;
        }

        long owed, next;
        do
        {
            owed = Interlocked.Read(ref OverrunTicks);
            next = Math.Min(Most, owed + over);
        }
        while (next > owed && Interlocked.CompareExchange(ref OverrunTicks, next, owed) != owed);
    }
}
