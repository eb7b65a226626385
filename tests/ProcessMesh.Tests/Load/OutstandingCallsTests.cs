using ProcessMesh.Load;


namespace ProcessMesh.Tests.Load;

/// <summary>The open loop's outstanding calls: added and removed in any order, slots reused, the rest listed at the close.</summary>
public sealed class OutstandingCallsTests
{
    [Fact]
    public void Calls_settle_in_any_order_and_those_left_are_listed_with_their_due_times()
    {
        var calls = new OutstandingCalls();
        var slots = Enumerable.Range(0, 10_000).Select(i => (Due: 1_000L + i, Slot: calls.Add(1_000L + i))).ToList();
        Assert.Equal(10_000, calls.Count);
        Assert.Equal(10_000, slots.Select(s => s.Slot).Distinct().Count());

        var random = new Random(7);
        var settled = slots.OrderBy(_ => random.Next()).Take(9_000).ToList();
        foreach (var (due, slot) in settled)
        {
            Assert.Equal(due, calls.Remove(slot));
        }

        Assert.Equal(1_000, calls.Count);
        var left = slots.Except(settled).Select(s => s.Due).Order();
        Assert.Equal(left, calls.DueTimestamps().Order());
    }

    [Fact]
    public void Slots_are_reused_so_the_table_grows_with_the_most_outstanding_not_with_the_calls_sent()
    {
        // A steady backlog of 5,000 calls (beyond the 4,096 at which the old list began scanning on every send),
        // with a million sends through it: each send and each reply is one slot taken or given back.
        var calls = new OutstandingCalls();
        var backlog = new Queue<int>();
        for (var sent = 0L; sent < 1_000_000; sent++)
        {
            backlog.Enqueue(calls.Add(sent + 1));
            if (backlog.Count > 5_000)
            {
                calls.Remove(backlog.Dequeue());
            }
        }

        Assert.Equal(5_000, calls.Count);
        Assert.Equal(5_001, calls.Slots);
    }

    [Fact]
    public void A_call_cannot_be_settled_twice()
    {
        var calls = new OutstandingCalls();
        var slot = calls.Add(42);
        Assert.Equal(42, calls.Remove(slot));
        Assert.Throws<InvalidOperationException>(() => calls.Remove(slot));
        Assert.Throws<InvalidOperationException>(() => calls.Remove(99));
        Assert.Equal(0, calls.Count);
    }
}
