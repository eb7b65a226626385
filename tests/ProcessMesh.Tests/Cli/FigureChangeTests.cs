using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Cli;

/// <summary>A baseline is matched point by point, by what was asked for, not by what came out.</summary>
public sealed class FigureChangeTests
{
    [Fact]
    public void Load_points_match_across_runs_that_completed_different_numbers_of_calls()
    {
        var then = new RunResult { Model = Models.Process, Workload = "load", Grains = 10, Concurrency = 8, Workers = 10, Work = 18_142, Throughput = 90_710 };
        var now = then with { Work = 15_463, Throughput = 77_315 };

        var throughput = Assert.Single(FigureChange.Compare([then], [now]), c => c.Figure == "throughput/s");

        Assert.Equal(-14.77, throughput.ChangePercent!.Value, 2);
    }

    [Fact]
    public void Workload_points_of_different_sizes_do_not_match()
    {
        var then = new RunResult { Model = Models.Process, Workload = "cpu", Workers = 2, Work = 400_000, Throughput = 1 };

        Assert.Empty(FigureChange.Compare([then], [then with { Work = 800_000 }]));
    }
}

/// <summary>A baseline change is marked beyond or within the run-to-run spread, and printed in the figure's unit.</summary>
public sealed class FigureChangeNoiseTests
{
    private static RunResult Point(double wall, double min, double max) => new()
    {
        Model = Models.Thread, Workload = "cpu", Workers = 2, Work = 400_000, Repeats = 3,
        WallSeconds = wall, WallSecondsMin = min, WallSecondsMax = max, Throughput = 400_000 / wall, CpuUtilisation = 0.97,
    };

    [Fact]
    public void Two_identical_sweeps_that_differ_by_their_own_spread_are_within_noise()
    {
        // A 15 % slower median whose repeats overlap the baseline's: the wobble of one machine, not a change.
        var changes = FigureChange.Compare([Point(0.274, 0.256, 0.306)], [Point(0.322, 0.262, 0.330)]);

        var throughput = Assert.Single(changes, c => c.Figure == "throughput/s");
        Assert.Equal(-14.9, throughput.ChangePercent!.Value, 1);
        Assert.Equal(Difference.WithinNoise, throughput.Noise);
        Assert.Equal("1.46 M", throughput.BaselineText);
        Assert.Equal("97 %", Assert.Single(changes, c => c.Figure == "cpu").CurrentText);
        Assert.Equal(Difference.NoSpread, Assert.Single(changes, c => c.Figure == "p99 µs").Noise);
    }

    [Fact]
    public void A_change_larger_than_both_spreads_is_beyond_noise()
    {
        var changes = FigureChange.Compare([Point(0.274, 0.270, 0.280)], [Point(0.540, 0.527, 0.560)]);

        Assert.Equal(Difference.BeyondNoise, Assert.Single(changes, c => c.Figure == "wall s").Noise);
    }
}
