using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Emulated;

/// <summary>The cost model reads a calibration as docs/emulation.md says: interpolated by size, the wait never negative.</summary>
public sealed class CostModelTests
{
    private static Calibration TwoSizes() => new()
    {
        Machine = new CalibratedMachine { Name = "m" },
        Processes = [new ProcessCalibration { Kind = "dotnet", StartMicros = 61_000, ResidentBytesPerExtra = 21_000_000 }],
        Messages =
        [
            new MessageCalibration { Kind = "dotnet", Ipc = "pipe", PayloadBytes = 8, OneWayMicros = 20, SenderCpuMicros = 6, ReceiverCpuMicros = 8 },
            new MessageCalibration { Kind = "dotnet", Ipc = "pipe", PayloadBytes = 1032, OneWayMicros = 40, SenderCpuMicros = 10, ReceiverCpuMicros = 12 },
            new MessageCalibration { Kind = "dotnet", Ipc = "tcp", PayloadBytes = 8, OneWayMicros = 5, SenderCpuMicros = 4, ReceiverCpuMicros = 4 },
            new MessageCalibration { Between = MessageCalibration.BetweenThreads, Kind = "dotnet", Ipc = "handoff", PayloadBytes = 8, OneWayMicros = 1 },
        ],
    };

    [Fact]
    public void Costs_are_interpolated_between_calibrated_sizes_held_below_and_extended_above()
    {
        var costs = CostModel.For("dotnet", null, TwoSizes())!;

        Assert.Equal("pipe", costs.Ipc); // the profile's first IPC by default
        Assert.Equal(20, costs.OneWayMicros(0), 6); // below the smallest: the smallest's
        Assert.Equal(30, costs.OneWayMicros(520), 6); // half way
        Assert.Equal(8, costs.SenderCpuMicros(520), 6);
        Assert.Equal(60, costs.OneWayMicros(2056), 6); // beyond the largest, along the last segment
        Assert.Equal(20 - 6 - 8, costs.WaitMicros(8), 6);
        Assert.Equal(61_000, costs.StartMicros);
        Assert.Equal(21_000_000, costs.FootprintBytes);
    }

    [Fact]
    public void What_a_grain_call_already_costs_is_taken_off_so_call_and_payment_cost_what_was_calibrated()
    {
        // 8 B over a pipe: 20 µs one way, 6 + 8 µs of CPU. A grain call of 3 µs one way, 2 µs of CPU.
        var costs = CostModel.For("dotnet", "pipe", TwoSizes())!.WithGrainCall(3, 2);
        var (sender, receiver, overlapped, wait) = costs.Paid(8);

        Assert.Equal(0, overlapped); // 12 µs of CPU fit in the 17 µs the call leaves: none beside the path
        Assert.Equal(14 - 2, sender + receiver, 6); // CPU: the call's 2 µs and the payment's make the calibrated 14 µs
        Assert.Equal(6.0 / 14, sender / (sender + receiver), 6); // shared between the sides as calibrated
        Assert.Equal(20, 3 + sender + wait + receiver, 6); // latency: the call's 3 µs and the payment make the calibrated 20 µs
        Assert.Equal((6, 8, 0, 6), CostModel.For("dotnet", "pipe", TwoSizes())!.Paid(8)); // nothing measured: nothing taken off
    }

    [Fact]
    public void A_message_whose_call_took_longer_pays_less_latency_and_one_that_took_as_long_as_a_message_waits_nothing()
    {
        // 8 B over a pipe: 20 µs one way, 6 + 8 µs of CPU; the grain call's own CPU 2 µs (its latency measured per message).
        var budget = CostModel.For("dotnet", "pipe", TwoSizes())!.WithGrainCall(3, 2).Budget(8);
        Assert.Equal((20, 12, 6.0 / 14), budget);

        // The probe's 3 µs: what Paid pays.
        Assert.Equal(CostModel.For("dotnet", "pipe", TwoSizes())!.WithGrainCall(3, 2).Paid(8), CostModel.Split(budget, 3));

        // A call that took 15 µs leaves 5 µs: the CPU it holds goes on the path, the rest of the 12 µs beside it, nothing waited.
        var (sender, receiver, overlapped, wait) = CostModel.Split(budget, 15);
        Assert.Equal(5, sender + receiver, 6);
        Assert.Equal(7, overlapped, 6);
        Assert.Equal(0, wait, 6);
        Assert.Equal(20, 15 + sender + receiver + wait, 6); // the call and the payment make the calibrated one way

        // A call slower than a real message: nothing more on the path, all the CPU still burned beside it.
        Assert.Equal((0, 0, 12, 0), CostModel.Split(budget, 25));
    }

    [Fact]
    public void A_crowded_run_pays_the_calibrated_contention_by_how_far_its_workers_exceed_the_cores()
    {
        // 2 cores; among 16 processes a woken one way is 48 µs (a quiet pair's 20 µs + 28) and a message burns 28 µs of CPU (14 + 14).
        var calibration = TwoSizes() with
        {
            Machine = new CalibratedMachine { Name = "m", Cores = 2 },
            Processes =
            [
                TwoSizes().Processes[0] with
                {
                    Contention = new ProcessContention { Ipc = "pipe", PayloadBytes = 8, Processes = 16, WokenOneWayMicros = 48, WokenCpuMicros = 30, PairsOneWayMicros = 90, PairsCpuMicros = 28 },
                },
            ],
        };
        var pipe = CostModel.For("dotnet", "pipe", calibration)!;

        Assert.Equal(0, pipe.ForWorkers(2).Crowding); // no more processes than cores: a quiet pair's costs
        Assert.Equal(20, pipe.ForWorkers(2).OneWayMicros(8), 6);
        Assert.Equal(1, pipe.ForWorkers(16).Crowding);
        Assert.Equal(48, pipe.ForWorkers(16).OneWayMicros(8), 6);
        Assert.Equal(6 + 6, pipe.ForWorkers(16).SenderCpuMicros(8), 6); // the extra 14 µs shared 6 : 8, as the pair's CPU is
        Assert.Equal(8 + 8, pipe.ForWorkers(16).ReceiverCpuMicros(8), 6);
        Assert.Equal(40 + 28, pipe.ForWorkers(16).OneWayMicros(1032), 6); // the extra on top of every size
        Assert.Equal(0.5, pipe.ForWorkers(9).Crowding, 6); // (9 − 2) / (16 − 2)
        Assert.Equal(34, pipe.ForWorkers(9).OneWayMicros(8), 6);
        Assert.Equal(1, pipe.ForWorkers(1000).Crowding);
        Assert.Equal(5 + 28, CostModel.For("dotnet", "tcp", calibration)!.ForWorkers(16).OneWayMicros(8), 6); // measured over a pipe, added to every IPC
        Assert.Equal(0, CostModel.For("dotnet", "pipe", TwoSizes())!.ForWorkers(64).Crowding); // no contention calibrated: none paid

        // The grain call is still taken off: at 16 workers, 48 µs one way and 28 µs of CPU in all.
        var (sender, receiver, overlapped, wait) = pipe.WithGrainCall(3, 2).ForWorkers(16).Paid(8);
        Assert.Equal(28 - 2, sender + receiver + overlapped, 6);
        Assert.Equal(48, 3 + sender + wait + receiver, 6);
    }

    [Fact]
    public void A_machines_processes_crowd_its_own_cores_so_workers_on_other_machines_do_not_count()
    {
        var pipe = CostModel.For("dotnet", "pipe", TwoSizes() with
        {
            Machine = new CalibratedMachine { Name = "m", Cores = 2 },
            Processes = [TwoSizes().Processes[0] with { Contention = new ProcessContention { Ipc = "pipe", PayloadBytes = 8, Processes = 16, WokenOneWayMicros = 48, WokenCpuMicros = 30, PairsOneWayMicros = 90, PairsCpuMicros = 28 } }],
        })!;

        // 16 workers spread over two machines of 2 cores: 8 on each, crowded (8 − 2) / (16 − 2) of the way, not all of it.
        var twoMachines = pipe.ForWorkersOn(16, Placements.Spread, ["10.0.0.1", "10.0.0.2"], 1);
        Assert.Equal(8, twoMachines.Workers);
        Assert.Equal(6.0 / 14, twoMachines.Crowding, 6);
        Assert.Equal(20 + (28 * 6.0 / 14), twoMachines.OneWayMicros(8), 6);

        // Silos on one machine share its cores: three silos on one host count all 16 of the run's workers.
        Assert.Equal(1, pipe.ForWorkersOn(16, Placements.Spread, ["127.0.0.1", "127.0.0.1", "127.0.0.1"], 2).Crowding);

        // Spread deals ranks in turn: 5 workers over 3 machines are 2, 2 and 1; two silos of one machine hold 3 of them.
        Assert.Equal([2, 2, 1], Enumerable.Range(0, 3).Select(r => CostModel.WorkersOnHost(5, Placements.Spread, ["a", "b", "c"], r)));
        Assert.Equal(3, CostModel.WorkersOnHost(5, Placements.Spread, ["a", "b", "a"], 0));

        // Local holds all on one silo; random placement expects a machine's share, rounded up; one silo (or none known) holds all.
        Assert.Equal(16, CostModel.WorkersOnHost(16, Placements.Local, ["a", "b"], 1));
        Assert.Equal(6, CostModel.WorkersOnHost(16, Placements.Default, ["a", "b", "c"], 0));
        Assert.Equal(16, CostModel.WorkersOnHost(16, Placements.Spread, ["a"], 0));
        Assert.Equal(16, CostModel.WorkersOnHost(16, Placements.Spread, [], -1));
    }

    [Fact]
    public void A_crowd_of_starts_burns_the_cpu_a_calibrated_crowd_of_working_processes_burned_each()
    {
        // Started at once and wired, each of 1 burned 80 ms of CPU by its ready, each of 8 90 ms, each of 64 118 ms; a lone idle start 100 ms of wall, 70 ms of CPU.
        var calibration = TwoSizes() with
        {
            Machine = new CalibratedMachine { Name = "m", Cores = 2 },
            Processes =
            [
                TwoSizes().Processes[0] with
                {
                    StartMicros = 100_000, StartCpuMicros = 70_000,
                    Crowds =
                    [
                        new ProcessCrowd { Running = 1, PssBytes = 1, StartMicros = 120_000, StartCpuMicros = 80_000 },
                        new ProcessCrowd { Running = 8, PssBytes = 1, StartMicros = 400_000, StartCpuMicros = 90_000 }, // the wall times are a loaded machine's: not read
                        new ProcessCrowd { Running = 64, PssBytes = 1, StartMicros = 900_000, StartCpuMicros = 118_000 },
                    ],
                },
            ],
        };
        var costs = CostModel.For("dotnet", "pipe", calibration)!;

        Assert.Equal((80_000, 30_000), costs.StartPaidFor(1)); // the crowd of one's CPU, and a lone start's wall beyond its CPU waited
        Assert.Equal((90_000, 30_000), costs.StartPaidFor(8));
        Assert.Equal((104_000, 30_000), costs.StartPaidFor(36)); // half way from 8 to 64
        Assert.Equal((118_000, 30_000), costs.StartPaidFor(1000)); // beyond the largest crowd, the largest's
        Assert.Equal((61_000, 0), CostModel.For("dotnet", "pipe", TwoSizes())!.StartPaidFor(64)); // no crowd CPU: a lone start's
    }

    [Fact]
    public async Task A_process_whose_messages_cost_nothing_passes_its_calls_on_untouched()
    {
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 16, Emulate = Emulation.DotNet, Ipc = "pipe", Footprint = Emulation.Modelled };
        var zero = SyntheticCalibration.With(oneWayMicros: 0, senderMicros: 0, receiverMicros: 0, startMicros: 0, footprintBytes: 0);

        var free = await ProcessMesh.Grains.Engines.Process.Emulated.EmulatedProcess.StartAsync(CostModel.For("dotnet", "pipe", zero)!.WithGrainCall(2, 1).ForWorkers(16), spec, 0);
        var paying = await ProcessMesh.Grains.Engines.Process.Emulated.EmulatedProcess.StartAsync(CostModel.For("dotnet", "pipe", SyntheticCalibration.With())!.WithGrainCall(2, 1).ForWorkers(16), spec, 0);

        Assert.False(free!.PaysPerMessage, "a process whose messages cost nothing still carries them (a state machine, a look-up and the timer per call)");
        Assert.True(paying!.PaysPerMessage);
    }

    [Fact]
    public void Cpu_beyond_the_latency_is_burned_beside_the_path_not_on_it()
    {
        // 8 B over TCP: 5 µs one way, 4 + 4 µs of CPU: the two real processes ran 3 µs of it at once.
        var (sender, receiver, overlapped, wait) = CostModel.For("dotnet", "tcp", TwoSizes())!.Paid(8);
        Assert.Equal(5, sender + receiver, 6); // on the path: as much as the latency holds
        Assert.Equal(3, overlapped, 6); // beside it: S + R − oneWay
        Assert.Equal(0, wait);

        // A grain call of 2 µs one way and 1 µs of CPU: 7 µs left to burn, 3 µs of latency to add.
        (sender, receiver, overlapped, wait) = CostModel.For("dotnet", "tcp", TwoSizes())!.WithGrainCall(2, 1).Paid(8);
        Assert.Equal(3, sender + receiver, 6);
        Assert.Equal(4, overlapped, 6);
        Assert.Equal(8, 1 + sender + receiver + overlapped, 6); // every calibrated microsecond of CPU is still burned
        Assert.Equal(5, 2 + sender + receiver + wait, 6); // and the path takes the calibrated latency
    }

    [Fact]
    public void The_footprint_is_the_mean_pss_with_as_many_running_fitted_as_private_plus_shared_over_n()
    {
        var calibration = TwoSizes() with
        {
            Processes =
            [
                new ProcessCalibration
                {
                    Kind = "dotnet", ResidentBytesPerExtra = 4_500_000,
                    // private 4 MB and 8 MB shared among n: 12, 5, 4.125 MB
                    Crowds = [new() { Running = 1, PssBytes = 12_000_000 }, new() { Running = 8, PssBytes = 5_000_000 }, new() { Running = 64, PssBytes = 4_125_000 }],
                },
            ],
        };
        var costs = CostModel.For("dotnet", "pipe", calibration)!;

        Assert.Equal(12_000_000, costs.FootprintBytesFor(1));
        Assert.Equal(5_000_000, costs.FootprintBytesFor(8));
        Assert.InRange(costs.FootprintBytesFor(4), 6_000_000 - 2, 6_000_000 + 2); // 4 + 8/4 between 1 and 8
        Assert.InRange(costs.FootprintBytesFor(32), 4_250_000 - 2, 4_250_000 + 2); // 4 + 8/32 between 8 and 64
        Assert.InRange(costs.FootprintBytesFor(1000), 4_008_000 - 2, 4_008_000 + 2); // beyond: along the last fit, towards the private 4 MB
        Assert.Equal(21_000_000, CostModel.For("dotnet", "pipe", TwoSizes())!.FootprintBytesFor(8)); // no crowds: the per-extra figure
    }

    [Fact]
    public void A_start_burns_its_calibrated_cpu_and_waits_the_rest_of_its_wall_time()
    {
        var calibration = TwoSizes() with { Processes = [new ProcessCalibration { Kind = "dotnet", StartMicros = 70_000, StartCpuMicros = 50_000 }] };

        Assert.Equal((50_000, 20_000), CostModel.For("dotnet", "pipe", calibration)!.StartPaid());
        Assert.Equal((61_000, 0), CostModel.For("dotnet", "pipe", TwoSizes())!.StartPaid()); // no CPU calibrated: all of it burned
    }

    [Fact]
    public void The_wait_is_never_negative_when_the_cpu_exceeds_the_latency()
    {
        var costs = CostModel.For("dotnet", "tcp", TwoSizes())!;

        Assert.Equal(0, costs.WaitMicros(8));
        Assert.Equal(4, costs.SenderCpuMicros(8));
    }

    [Fact]
    public void Grain_pays_nothing_and_a_missing_profile_or_ipc_names_the_option()
    {
        Assert.Null(CostModel.For("grain", null, TwoSizes()));
        Assert.Equal(RefusedSetting.Emulate, Assert.Throws<RunRefusedException>(() => CostModel.For("python", null, TwoSizes())).Setting);
        Assert.Equal(RefusedSetting.Ipc, Assert.Throws<RunRefusedException>(() => CostModel.For("dotnet", "uds", TwoSizes())).Setting);
        Assert.Equal(RefusedSetting.Ipc, CostModel.WhyNot("python", "uds")?.Setting);
        Assert.Equal(RefusedSetting.Emulate, CostModel.WhyNot("java", null)?.Setting);
        Assert.DoesNotContain("--", CostModel.WhyNot("python", "uds")!.Reason, StringComparison.Ordinal); // the CLI names its options
        Assert.StartsWith("--ipc:", ProcessMesh.Cli.Commands.Execution.Refused(CostModel.WhyNot("python", "uds")!), StringComparison.Ordinal);
    }

    [Fact]
    public void A_held_footprint_is_refused_when_it_cannot_fit_and_a_modelled_one_is_not()
    {
        var calibration = TwoSizes();
        var costs = CostModel.For("dotnet", null, calibration)!;
        var spec = new RunSpec { Model = Models.Process, Workers = 1_000, Emulate = "dotnet" };
        const long available = 8L << 30; // 8 GiB: 1,000 × 21 MB do not fit in 80 % of it

        var refusal = Admission.Check(spec, threads: false, available, costs);
        Assert.NotNull(refusal);
        Assert.Equal(RefusedSetting.Memory, refusal.Setting);
        Assert.Contains("dotnet", refusal.Reason, StringComparison.Ordinal);
        Assert.Null(Admission.Check(spec, threads: false, available)); // as a grain it fits
        Assert.Null(Admission.Check(spec with { Footprint = Contracts.Emulation.Modelled }, threads: false, available, costs));
        Assert.True(Admission.EstimateBytes(spec, threads: false, costs) >= 1_000 * 21_000_000.0);
    }
}
