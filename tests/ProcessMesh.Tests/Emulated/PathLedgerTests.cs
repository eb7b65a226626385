using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process.Emulated;
using ProcessMesh.Grains.Workloads.Io;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// An emulated process's messages cost, on average, what the calibration says and no more (docs/emulation.md,
/// "Waited latency"): whatever makes a message's path longer than it asked, the path itself or a grain call slower
/// than the whole one way, is owed and taken off the process's next waits. Scripted figures, no timing.
/// </summary>
public sealed class PathLedgerTests
{
    [Fact]
    public void A_leg_that_took_longer_than_it_asked_shortens_the_next_waits_by_as_much()
    {
        var ledger = new WaitLedger();

        // A leg asked 4,000 ticks of burn and wait and took 5,500: its burn lost its core, the timer's hop back was late.
        ledger.Charge(4_000, 5_500);

        Assert.Equal(0, ledger.Take(1_000)); // covered by what is owed: no wait at all
        Assert.Equal(2_500, ledger.Take(3_000)); // the last 500 owed taken off
        Assert.Equal(3_000, ledger.Take(3_000)); // nothing owed any more
    }

    [Fact]
    public void A_leg_that_took_what_it_asked_owes_nothing_and_a_ledger_owes_at_most_a_millisecond()
    {
        var ledger = new WaitLedger();

        ledger.Charge(4_000, 4_000);
        ledger.Charge(4_000, 3_000); // shorter only by what the ledger took off it: no credit
        Assert.Equal(0, ledger.OverrunTicks);

        ledger.Charge(0, 1_000 * WaitLedger.Most); // a whole silo's pause is not paid back by the next thousand waits
        Assert.Equal(WaitLedger.Most, ledger.OverrunTicks);
        ledger.Charge(0, 1_000); // nor is a busy stretch's overrun piled up beyond it
        Assert.Equal(WaitLedger.Most, ledger.OverrunTicks);
    }

    [Fact]
    public void A_grain_call_slower_than_the_whole_one_way_is_paid_back_so_the_messages_average_the_one_way()
    {
        // 10 µs one way, no CPU to burn: each message waits what its grain call did not take.
        var budget = (OneWayMicros: 10.0, BurnMicros: 0.0, SenderShare: 0.5);
        double[] calls = [2, 30, 2, 2, 2, 2]; // one call took 30 µs: 20 more than the whole message may
        var ledger = new WaitLedger();
        var took = 0L;
        foreach (var call in calls)
        {
            var (sender, receiver, _, wait) = CostModel.Split(budget, call);
            ledger.Charge(0, CpuBurn.Ticks(CostModel.Beyond(budget, call)));
            took += CpuBurn.Ticks(call) + CpuBurn.Ticks(sender) + ledger.Take(CpuBurn.Ticks(wait)) + CpuBurn.Ticks(receiver);
        }

        Assert.Equal(20, CostModel.Beyond(budget, 30), 6);
        Assert.Equal(0, CostModel.Beyond(budget, 2), 6);
        Assert.Equal(calls.Length * CpuBurn.Ticks(10), took); // 6 × 10 µs, not 6 × 10 + 20
    }
}
