using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process.Emulated;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// In a crowd (more processes on a machine than it has cores) an emulated message that waits nothing on the timer
/// waits its turn behind the silo's other runnable work, as a woken process waits for a core, so the pairs of a crowd
/// share the cores in turn instead of one keeping a thread (docs/emulation.md, "A crowd's turns"). The rule and the
/// path, no timing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrowdTurnTests(ClusterFixture cluster)
{
    [Fact]
    public void A_run_is_crowded_when_its_workers_on_the_machine_outnumber_the_cores_contention_figures_or_not()
    {
        var pipe = CostModel.For(Contracts.Emulation.DotNet, "pipe", SyntheticCalibration.With(20, 5, 5, startMicros: 0) with
        {
            Machine = new CalibratedMachine { Name = SyntheticCalibration.Machine, Cores = 2 },
        })!;

        Assert.False(pipe.Crowded); // made for no run
        Assert.False(pipe.ForWorkers(2).Crowded); // a core each
        Assert.True(pipe.ForWorkers(3).Crowded);
        Assert.True(pipe.ForWorkers(16).WithGrainCall(3, 2).WithCarrying(1).Crowded); // kept as the model is made for the run
        Assert.False(pipe.ForWorkersOn(16, Placements.Spread, ["a", "b", "c", "d", "e", "f", "g", "h"], 0).Crowded); // 2 on this machine
        var uncalibrated = CostModel.For(Contracts.Emulation.DotNet, "pipe", CalibrationWithoutContention())!.ForWorkers(16);
        Assert.Equal(0, uncalibrated.Crowding); // no contention calibrated: nothing more to pay…
        Assert.True(uncalibrated.Crowded); // …but the turns are taken
    }

    [Fact]
    public void In_a_crowd_a_request_that_waits_nothing_on_the_timer_waits_its_turn_behind_runnable_work_and_no_other_leg_does()
    {
        Assert.True(EmulatedProcess.WaitsItsTurn(crowded: true, request: true, wait: 0, pending: () => 3));
        Assert.False(EmulatedProcess.WaitsItsTurn(crowded: true, request: true, wait: 500, pending: () => 3)); // the timer's wake-up queues it behind the pool's work already
        Assert.False(EmulatedProcess.WaitsItsTurn(crowded: true, request: false, wait: 0, pending: () => 3)); // the reply goes on: one turn a round trip
        Assert.False(EmulatedProcess.WaitsItsTurn(crowded: true, request: true, wait: 0, pending: () => 0)); // nothing runnable to wait behind: a ring's one token
        Assert.False(EmulatedProcess.WaitsItsTurn(crowded: false, request: true, wait: 0, pending: () => 3)); // a core each: no one to wait behind
    }

    [Fact]
    public async Task Crowded_messages_that_wait_nothing_are_carried_through_their_turns_and_pay_their_burn()
    {
        // No latency to wait, 25 + 25 µs of CPU a message, all of it burned beside the path: every request takes its turn.
        var crowd = (2 * Environment.ProcessorCount) + 2;
        var costs = CostModel.For(Contracts.Emulation.DotNet, "pipe", SyntheticCalibration.With(0, 25, 25, startMicros: 0))!.WithGrainCall(1, 1).ForWorkers(crowd);
        var probe = new ProcessCosts(new ServiceCollection().AddSingleton<IGrainFactory>(cluster.Client).BuildServiceProvider());

        var read = await probe.ProbeCarryingAsync(costs, CostModel.MessageBytes(new RunSpec()), pairs: 3);

        Assert.True(costs.Crowded);
        Assert.Equal(0, costs.Paid(8).WaitMicros);
        Assert.Equal(2L * ProcessCosts.ProbeRounds * ProcessCosts.ProbeRoundTrips * 3, read.Messages);
        var burn = costs.Budget(8).BurnMicros;
        Assert.True(read.CpuMicros >= 0.9 * burn, $"the probe's least round took {read.CpuMicros:0.0} µs of CPU a message where each asked to burn {burn:0.0}: its calls were not carried");
    }

    private static Calibration CalibrationWithoutContention()
    {
        var calibration = SyntheticCalibration.With(20, 5, 5, startMicros: 0);
        return calibration with
        {
            Machine = new CalibratedMachine { Name = SyntheticCalibration.Machine, Cores = 2 },
            Processes = [.. calibration.Processes.Select(p => p with { Contention = null })],
        };
    }
}
