using ProcessMesh.Cli.Running;
using ProcessMesh.Cli.Scenarios;
using ProcessMesh.Contracts;
using ProcessMesh.Contracts.Scenarios;

namespace ProcessMesh.Tests.Scenarios;

/// <summary>Verdicts judged on recorded results: holds, does not hold, and inconclusive when the spread straddles the claim.</summary>
public sealed class VerdictTests
{
    private static RunResult Run(string model, int workers, double median, double min, double max) =>
        new() { Model = model, Workload = "cpu", Workers = workers, Work = 250_000, WallSeconds = median, WallSecondsMin = min, WallSecondsMax = max, Repeats = 3 };

    private static Verdict GilCpu(RunResult gil1, RunResult gil2, RunResult proc1, RunResult proc2) => GilCpuScenario.Judge(
        Noise.Ratio(Sample.Wall(gil1), Sample.Wall(gil2)), Noise.Ratio(Sample.Wall(proc1), Sample.Wall(proc2)), cores: 2);

    [Fact]
    public void Gil_cpu_holds_when_the_lock_stops_threads_and_processes_speed_up()
    {
        // As README's comparison measured: gil 0.514 → 0.555 s, process 0.540 → 0.338 s.
        var verdict = GilCpu(Run("gil", 1, 0.514, 0.511, 0.524), Run("gil", 2, 0.555, 0.548, 0.556), Run("process", 1, 0.540, 0.527, 0.632), Run("process", 2, 0.338, 0.298, 0.353));

        Assert.Equal(Verdict.Holds, verdict);
    }

    [Fact]
    public void Gil_cpu_does_not_hold_when_threads_under_the_lock_speed_up_clearly()
    {
        var verdict = GilCpu(Run("gil", 1, 0.50, 0.49, 0.51), Run("gil", 2, 0.26, 0.25, 0.27), Run("process", 1, 0.50, 0.49, 0.51), Run("process", 2, 0.26, 0.25, 0.27));

        Assert.Equal(Verdict.DoesNotHold, verdict);
    }

    [Fact]
    public void Gil_cpu_is_inconclusive_when_the_spread_straddles_the_bound()
    {
        // Process speedup 1.4× at the median, but anywhere from 0.9× to 2.2× over the repeats.
        var verdict = GilCpu(Run("gil", 1, 0.50, 0.49, 0.51), Run("gil", 2, 0.55, 0.54, 0.56), Run("process", 1, 0.50, 0.40, 0.66), Run("process", 2, 0.36, 0.30, 0.45));

        Assert.Equal(Verdict.Inconclusive, verdict);
    }

    [Fact]
    public void A_figure_measured_once_gives_no_verdict()
    {
        Assert.Equal(Verdict.Inconclusive, Noise.AtLeast(Noise.Ratio(Sample.Single(1), Sample.Single(0.5)), 1.3));
    }

    [Fact]
    public void Races_hold_when_only_the_unguarded_counter_loses_updates()
    {
        Assert.Equal(Verdict.Holds, RacesScenario.Judge([120, 0, 4_031], [("lock", true), ("process", true)]).Verdict);
        Assert.Equal(Verdict.Inconclusive, RacesScenario.Judge([0, 0, 0], [("lock", true)]).Verdict);
        Assert.Equal(Verdict.DoesNotHold, RacesScenario.Judge([120, 7, 9], [("lock", true), ("process", false)]).Verdict);
    }

    [Fact]
    public void Granularity_finds_the_first_granularity_at_which_processes_match_threads()
    {
        var judged = GranularityScenario.Judge(
        [
            new(1, new Sample(0.58, 0.48, 0.63, 3), new Sample(0.23, 0.20, 0.32, 3)),
            new(10, new Sample(0.34, 0.25, 0.43, 3), new Sample(0.19, 0.13, 0.21, 3)),
            new(100, new Sample(0.29, 0.27, 0.30, 3), new Sample(0.27, 0.26, 0.31, 3)),
        ]);

        Assert.Equal(Verdict.Holds, judged.Verdict);
        Assert.Equal(100, judged.Crossover);
        Assert.Contains("crossover at 100 units per message", judged.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Granularity_calls_processes_level_within_a_tenth_of_thread_time_even_when_the_bands_are_tight()
    {
        // At 1,000 units a message processes take 1.05× thread time, beyond noise (the bands do not overlap), but not
        // beyond noise above 1.1×: they match the threads there.
        var judged = GranularityScenario.Judge(
        [
            new(1, new Sample(3.0, 2.9, 3.1, 7), new Sample(1.0, 0.99, 1.01, 7)),
            new(1_000, new Sample(1.05, 1.04, 1.06, 7), new Sample(1.0, 0.99, 1.01, 7)),
        ]);

        Assert.Equal(Verdict.Holds, judged.Verdict);
        Assert.Equal(1_000, judged.Crossover);
    }

    [Fact]
    public void Granularity_level_only_by_a_wide_band_is_no_crossover_and_leaves_the_claim_inconclusive()
    {
        // At 100 units a message the band reaches down to 1.09×, but the median is 1.70×: too wide to call it caught up.
        var judged = GranularityScenario.Judge(
        [
            new(1, new Sample(40, 38, 42, 7), new Sample(1.0, 0.95, 1.05, 7)),
            new(100, new Sample(1.7, 1.2, 2.0, 7), new Sample(1.0, 0.9, 1.1, 7)),
        ]);

        Assert.False(GranularityScenario.Matches(new(100, new Sample(1.7, 1.2, 2.0, 7), new Sample(1.0, 0.9, 1.1, 7))));
        Assert.Equal(Verdict.Inconclusive, judged.Verdict);
        Assert.Null(judged.Crossover);
    }

    [Fact]
    public void Granularity_without_a_crossover_does_not_hold_and_without_a_cost_is_inconclusive()
    {
        var slower = (new Sample(0.58, 0.48, 0.63, 3), new Sample(0.23, 0.20, 0.32, 3));
        var none = GranularityScenario.Judge([new(1, slower.Item1, slower.Item2), new(10_000, slower.Item1, slower.Item2)]);
        Assert.Equal(Verdict.DoesNotHold, none.Verdict);
        Assert.Null(none.Crossover);
        var level = (new Sample(0.30, 0.25, 0.35, 3), new Sample(0.29, 0.26, 0.31, 3));
        Assert.Equal(Verdict.Inconclusive, GranularityScenario.Judge([new(1, level.Item1, level.Item2), new(10_000, level.Item1, level.Item2)]).Verdict);
    }

    [Fact]
    public void Scale_out_on_one_machine_says_it_cannot_be_tested_however_many_silos_share_it()
    {
        var (verdict, reason) = ScaleOutScenario.Judge(machines: 1, cores: 2, new Sample(1.9, 1.8, 2.0, 3), new Sample(1.8, 1.7, 1.9, 3));

        Assert.Equal(Verdict.Inconclusive, verdict);
        Assert.Contains("needs silos on several machines", reason, StringComparison.Ordinal);
        Assert.Equal(Verdict.Holds, ScaleOutScenario.Judge(machines: 3, cores: 2, new Sample(1.9, 1.8, 2.0, 3), new Sample(5.2, 4.9, 5.6, 3)).Verdict);
    }

    [Fact]
    public void Memory_footprint_judges_each_kind_of_process_against_threads_and_the_emulated_ones_for_its_verdict()
    {
        var thread = new Sample(12 << 10, 11 << 10, 13 << 10, 3);
        var grain = new Sample(2 << 10, 2 << 10, 3 << 10, 3);
        var python = new Sample(9 << 20, 9 << 20, 10 << 20, 4);

        Assert.Equal(Verdict.Holds, MemoryFootprintScenario.Judge(python, thread));
        Assert.Equal(Verdict.DoesNotHold, MemoryFootprintScenario.Judge(grain, thread));
        Assert.Equal(Verdict.Inconclusive, MemoryFootprintScenario.Judge(python, new Sample(0, 0, 0, 3)));

        var emulated = new Dictionary<string, Verdict> { ["grain"] = Verdict.DoesNotHold, ["dotnet"] = Verdict.Holds, ["python"] = Verdict.Holds };
        var (verdict, reason) = MemoryFootprintScenario.Judge(emulated, new Dictionary<string, Verdict> { ["dotnet"] = Verdict.Holds }, thread);

        Assert.Equal(Verdict.Holds, verdict); // the grain is reported, not judged: it is not an OS process
        Assert.Contains("emulated dotnet: holds (real: holds; agrees (both: holds))", reason, StringComparison.Ordinal);
        Assert.Contains("emulated python: holds (real: not measured; no real processes measured)", reason, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, MemoryFootprintScenario.Judge(new Dictionary<string, Verdict> { ["grain"] = Verdict.DoesNotHold }, new Dictionary<string, Verdict>(), thread).Verdict);
    }

    [Fact]
    public void An_emulated_verdict_agrees_with_the_real_one_only_when_both_are_the_same_and_say_which_could_not_tell()
    {
        Assert.Equal("agrees (both: holds)", Verdicts.Agrees(Verdict.Holds, Verdict.Holds));
        Assert.Equal("agrees (both: does not hold)", Verdicts.Agrees(Verdict.DoesNotHold, Verdict.DoesNotHold));
        Assert.Equal("disagrees", Verdicts.Agrees(Verdict.Holds, Verdict.DoesNotHold));
        Assert.Equal("cannot tell: real inconclusive", Verdicts.Agrees(Verdict.Holds, Verdict.Inconclusive));
        Assert.Equal("cannot tell: emulated inconclusive", Verdicts.Agrees(Verdict.Inconclusive, Verdict.Holds));
        Assert.Equal("no real processes measured", Verdicts.Agrees(Verdict.Holds, null));
    }

    [Fact]
    public void Ipc_cost_holds_for_a_kind_of_process_only_when_a_message_costs_more_than_a_hand_off_at_every_payload()
    {
        Sample[] thread = [new(5, 4.5, 5.5, 7), new(300, 290, 310, 7)];

        Assert.Equal(Verdict.Holds, IpcCostScenario.Judge([new(8, 7.5, 8.5, 7), new(600, 580, 620, 7)], thread));
        Assert.Equal(Verdict.DoesNotHold, IpcCostScenario.Judge([new(3, 2.9, 3.1, 7), new(600, 580, 620, 7)], thread));
        Assert.Equal(Verdict.Inconclusive, IpcCostScenario.Judge([new(5.2, 4.9, 5.6, 7), new(600, 580, 620, 7)], thread));
    }

    [Fact]
    public void Deadlock_holds_only_when_each_hazard_deadlocks_and_each_control_completes()
    {
        var opposite = new LockOrderReport { Deadlocked = true, Completed = true };
        var same = new LockOrderReport { Deadlocked = false, Completed = true };
        var cycle = new CallCycleReport { Deadlocked = true };
        var interleaved = new CallCycleReport { Deadlocked = false };

        Assert.Equal(Verdict.Holds, DeadlockScenario.Judge(opposite, same, cycle, recovered: true, interleaved).Verdict);
        Assert.Equal(Verdict.DoesNotHold, DeadlockScenario.Judge(opposite with { Deadlocked = false }, same, cycle, recovered: true, interleaved).Verdict);
        Assert.Equal(Verdict.Inconclusive, DeadlockScenario.Judge(opposite, same, cycle, recovered: false, interleaved).Verdict);
    }
}
