using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process.Emulated;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// What carrying a message costs beyond the bare grain call and its burns is probed with the run's own costs and crowd
/// and taken off the burn as the call's CPU is (docs/emulation.md, "What carrying a message costs"). Counts and
/// figures the test set, no timing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CarryingProbeTests(ClusterFixture cluster)
{
    private static CostModel Dotnet(double oneWayMicros, double senderMicros, double receiverMicros) =>
        CostModel.For(Contracts.Emulation.DotNet, "pipe", SyntheticCalibration.With(oneWayMicros, senderMicros, receiverMicros, startMicros: 0))!;

    [Fact]
    public void The_carrying_cpu_is_taken_off_the_burn_as_the_grain_calls_is_and_never_below_nothing()
    {
        // 8 B: 20 µs one way, 5 + 5 µs of CPU; a grain call of 1 µs one way and 2 µs of CPU; carrying 3 µs more.
        var costs = Dotnet(20, 5, 5).WithGrainCall(1, 2).WithCarrying(3);

        Assert.Equal(3, costs.CarryingCpuMicros, 9);
        Assert.Equal(10 - 2 - 3, costs.Budget(8).BurnMicros, 9);
        Assert.Equal(20, costs.Budget(8).OneWayMicros, 9); // the latency is the call's business, not the carrying's
        Assert.Equal(10 - 2 - 3, costs.ForWorkers(16).Budget(8).BurnMicros, 9); // kept when the model is made for a crowd
        Assert.Equal(10 - 2 - 3, costs.WithGrainCall(1, 2).Budget(8).BurnMicros, 9); // and for another call
        Assert.Equal(0, costs.WithCarrying(50).Budget(8).BurnMicros, 9);
        Assert.Equal(10 - 2, costs.WithCarrying(-4).Budget(8).BurnMicros, 9); // a reading below nothing takes nothing off
    }

    [Fact]
    public async Task The_probe_carries_every_call_of_its_pairs_through_the_emulated_path_and_pays_its_burn()
    {
        // 49 µs of CPU a message to burn, all on its path (the one way holds it): 25 + 25 less the call's 1; far more
        // than a bare grain call takes even on a loaded machine, so a probe whose calls were not carried reads less.
        var costs = Dotnet(100, 25, 25).WithGrainCall(1, 1).ForWorkers(6);
        var probe = new ProcessCosts(new ServiceCollection().AddSingleton<IGrainFactory>(cluster.Client).BuildServiceProvider());

        var read = await probe.ProbeCarryingAsync(costs, CostModel.MessageBytes(new RunSpec()), pairs: 3);

        Assert.Equal(3, read.Pairs);
        Assert.Equal(2L * ProcessCosts.ProbeRounds * ProcessCosts.ProbeRoundTrips * 3, read.Messages);
        var burn = costs.Budget(8).BurnMicros;
        Assert.True(read.CpuMicros >= 0.9 * burn, $"the probe's least round took {read.CpuMicros:0.0} µs of CPU a message where each asked to burn {burn:0.0}: its calls were not carried");
    }

    [Fact]
    public async Task The_carrying_is_settled_by_probing_again_until_a_message_costs_its_calibrated_cpu()
    {
        // A silo where a burn takes 1.3× the CPU it counts and carrying costs 1.5 µs: a message asked 10 µs of burn
        // (13.6 µs calibrated, less a 3.6 µs call) costs 1.3 × (10 − e) + 1.5 + 3.6. One step (e = T(0) − 13.6 = 4.5)
        // leaves it at 12.25 µs, 10 % short; the settled e makes it cost 13.6 within 5 %.
        static double Cost(double e) => (1.3 * Math.Max(0, 10 - e)) + 1.5 + 3.6;
        var probed = new List<double>();

        var settled = await ProcessCosts.SettleCarryingAsync(13.6, 10, e =>
        {
            probed.Add(e);
            return Task.FromResult(new CarryingProbe(Cost(e), Pairs: 8, Messages: 1600));
        });

        Assert.Equal(0, probed[0]); // first with nothing taken off
        Assert.InRange(probed.Count, 2, ProcessCosts.CarryingSteps);
        Assert.InRange(Cost(settled.TakenOffMicros), 13.6 * 0.95, 13.6 * 1.05);
        Assert.Equal(13.6, settled.TargetMicros);
        Assert.Equal(probed.Select(Cost), settled.CpuMicrosByStep);
    }

    [Fact]
    public async Task The_carrying_taken_off_stays_between_nothing_and_all_of_the_burn()
    {
        // A call that already costs more than the calibration: all of the burn comes off, no more; a silo cheaper than it: nothing.
        var dear = await ProcessCosts.SettleCarryingAsync(10, 6, _ => Task.FromResult(new CarryingProbe(40, 1, 1)));
        var cheap = await ProcessCosts.SettleCarryingAsync(10, 6, _ => Task.FromResult(new CarryingProbe(4, 1, 1)));

        Assert.Equal(6, dear.TakenOffMicros);
        Assert.Equal(0, cheap.TakenOffMicros);
    }

    [Fact]
    public void The_probe_runs_as_many_pairs_as_the_run_crowds_this_machine_with_up_to_the_calibrated_crowd()
    {
        var costs = Dotnet(20, 5, 5); // a calibrated crowd of 16
        Assert.Equal(1, ProcessCosts.CarryingPairs(costs.ForWorkers(2)));
        Assert.Equal(1, ProcessCosts.CarryingPairs(costs.ForWorkers(1)));
        Assert.Equal(8, ProcessCosts.CarryingPairs(costs.ForWorkers(16)));
        Assert.Equal(8, ProcessCosts.CarryingPairs(costs.ForWorkers(100_000)));
    }

    [Fact]
    public async Task An_emulated_run_says_what_carrying_cost_it_and_a_run_that_burns_nothing_probes_nothing()
    {
        RunSpec PingPong(Calibration calibration, int workers) => new()
        {
            Model = Models.Process, Workload = Workload.PingPong, Workers = workers, Work = 100, Emulate = Contracts.Emulation.DotNet, Calibration = calibration,
        };

        var paying = await cluster.RunAsync(PingPong(SyntheticCalibration.With(oneWayMicros: 50, senderMicros: 20, receiverMicros: 20, startMicros: 0), workers: 4));
        var idle = await cluster.RunAsync(PingPong(SyntheticCalibration.With(oneWayMicros: 50, senderMicros: 0, receiverMicros: 0, startMicros: 0), workers: 4));

        Assert.True(paying.Correct && idle.Correct);
        Assert.Contains(paying.Notes, n => n.Contains("what carrying a message costs beyond the call and its burns", StringComparison.Ordinal) && n.Contains("probed with 2 pairs", StringComparison.Ordinal));
        Assert.DoesNotContain(idle.Notes, n => n.Contains("carrying", StringComparison.Ordinal));
    }
}
