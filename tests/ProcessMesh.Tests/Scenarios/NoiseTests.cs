using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Scenarios;

/// <summary>The one noise rule: a difference counts only when the repeats' ranges do not overlap.</summary>
public sealed class NoiseTests
{
    [Fact]
    public void Ranges_that_do_not_overlap_differ_beyond_noise()
    {
        Assert.Equal(Difference.BeyondNoise, Noise.Compare(Sample.Of([1.0, 1.1, 1.2]), Sample.Of([1.3, 1.4, 1.5])));
        Assert.Equal(Difference.BeyondNoise, Noise.Compare(Sample.Of([1.3, 1.4, 1.5]), Sample.Of([1.0, 1.1, 1.2])));
    }

    [Fact]
    public void Overlapping_ranges_are_within_noise_however_far_apart_the_medians()
    {
        // Medians 1.0 and 1.5 (a 50 % change), but one repeat of each lies inside the other's range.
        Assert.Equal(Difference.WithinNoise, Noise.Compare(Sample.Of([0.9, 1.0, 1.6]), Sample.Of([1.4, 1.5, 1.55])));
    }

    [Fact]
    public void A_single_reading_has_no_spread_to_judge_by()
    {
        Assert.Equal(Difference.NoSpread, Noise.Compare(Sample.Single(1), Sample.Of([2.0, 2.1, 2.2])));
    }

    [Fact]
    public void A_ratio_spans_every_pair_of_repeats()
    {
        var ratio = Noise.Ratio(Sample.Of([0.50, 0.52, 0.60]), Sample.Of([0.25, 0.26, 0.30]));

        Assert.Equal(0.52 / 0.26, ratio.Median, 6);
        Assert.Equal(0.50 / 0.30, ratio.Min, 6);
        Assert.Equal(0.60 / 0.25, ratio.Max, 6);
    }

    [Fact]
    public void A_run_records_wall_time_and_throughput_with_the_range_of_its_repeats()
    {
        var run = new RunResult { Work = 1000, WallSeconds = 0.5, WallSecondsMin = 0.4, WallSecondsMax = 1.0, Throughput = 2000, Repeats = 3 };

        Assert.Equal(new Sample(0.5, 0.4, 1.0, 3), Sample.Wall(run));
        Assert.Equal(new Sample(2000, 1000, 2500, 3), Sample.Throughput(run));
    }

    [Fact]
    public void Ranges_that_touch_overlap()
    {
        Assert.Equal(Difference.WithinNoise, Noise.Compare(Sample.Of([1.0, 1.1, 1.2]), Sample.Of([1.2, 1.3, 1.4])));
        Assert.Equal(Difference.BeyondNoise, Noise.Compare(Sample.Of([1.0, 1.1, 1.2]), Sample.Of([1.2000001, 1.3, 1.4])));
    }

    [Fact]
    public void A_cost_is_beyond_noise_only_above_and_below_resolution_only_below_the_other_range()
    {
        var thread = new Sample(100, 90, 110, 3);

        Assert.Equal(Difference.BeyondNoise, Noise.Cost(new Sample(120, 111, 130, 3), thread));
        Assert.Equal(Difference.WithinNoise, Noise.Cost(new Sample(120, 110, 130, 3), thread));
        Assert.Equal(Difference.WithinNoise, Noise.Cost(new Sample(80, 70, 90, 3), thread));
        Assert.Equal(Difference.BelowResolution, Noise.Cost(new Sample(80, 70, 89, 3), thread));
        Assert.Equal(Difference.NoSpread, Noise.Cost(Sample.Single(500), thread));
    }

    [Fact]
    public void A_claimed_bound_holds_only_when_the_whole_range_is_past_it()
    {
        Assert.Equal(Verdict.Holds, Noise.AtLeast(new Sample(1.5, 1.31, 1.7, 3), 1.3));
        Assert.Equal(Verdict.Inconclusive, Noise.AtLeast(new Sample(1.5, 1.3, 1.7, 3), 1.3)); // touching the bound is not past it
        Assert.Equal(Verdict.DoesNotHold, Noise.AtLeast(new Sample(1.1, 1.0, 1.29, 3), 1.3));
        Assert.Equal(Verdict.Holds, Noise.AtMost(new Sample(0.9, 0.8, 0.99, 3), 1.0));
        Assert.Equal(Verdict.Inconclusive, Noise.AtMost(new Sample(0.9, 0.8, 1.0, 3), 1.0));
        Assert.Equal(Verdict.DoesNotHold, Noise.AtMost(new Sample(1.2, 1.01, 1.3, 3), 1.0));
        Assert.Equal(Verdict.Inconclusive, Noise.AtLeast(Sample.Single(5), 1.3)); // measured once: no spread to judge by
    }

    [Fact]
    public void The_cross_silo_cost_counts_each_figure_s_noise_once()
    {
        // Each figure's half-range is 1 µs: the cost over a thread hand-off (cross - thread) reaches 2 µs of noise, not 3.
        var handOff = new ProcessMesh.Cli.Output.HandOffCost(2, 1000, Process: new Sample(10, 9, 11, 3), Thread: new Sample(5, 4, 6, 3)) { CrossSilo = new Sample(20, 19, 21, 3) };

        Assert.Equal(2, handOff.CrossSiloExtraNoiseMicros);
        Assert.Equal(2, handOff.CrossingNoiseMicros);
        Assert.Equal(Difference.BeyondNoise, handOff.CrossSiloExtraVerdict);
    }
}
