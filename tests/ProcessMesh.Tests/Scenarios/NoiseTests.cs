using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Scenarios;

/// <summary>The one noise rule: a difference counts only when the bands of the repeats (their range, the most extreme set aside from 7 repeats) do not overlap.</summary>
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
    public void A_paired_ratio_reads_each_pair_and_sets_one_bad_pair_aside_from_seven()
    {
        // CPython's rounds: 1 thread against 2 processes, round by round. Round 4's two processes were slowed (0.60 s
        // where the others took about 0.30 s): the per-round ratios are about 2, and that round's 1.0.
        double[] one = [0.60, 0.61, 0.59, 0.60, 0.62, 0.60, 0.61];
        double[] two = [0.30, 0.31, 0.30, 0.60, 0.31, 0.30, 0.31];

        var paired = Noise.PairedRatio(one, two);
        Assert.Equal(7, paired.Count);
        Assert.Equal(1.0, paired.Min, 6);                            // the bad round is in the record...
        Assert.True(paired.Low > 1.9, $"band from {paired.Low}");    // ...and set aside from the band
        Assert.Equal(Verdict.Holds, Noise.AtLeast(paired, 1.3));

        // Unpaired, the slowest run of one is set against the fastest of the other: the band opens far wider.
        var unpaired = Noise.Ratio(Sample.Of(one), Sample.Of(two));
        Assert.True(unpaired.Low < paired.Low, $"unpaired band from {unpaired.Low}, paired from {paired.Low}");
    }

    [Fact]
    public void A_paired_ratio_with_two_bad_pairs_of_seven_or_a_drift_on_one_side_does_not_hide_them()
    {
        // Two slowed rounds of seven are more than one set aside: the band reaches down to the second of them.
        double[] one = [0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60];
        double[] two = [0.30, 0.30, 0.30, 0.60, 0.55, 0.30, 0.30];
        var paired = Noise.PairedRatio(one, two);
        Assert.Equal(0.60 / 0.55, paired.Low, 6);
        Assert.Equal(Verdict.Inconclusive, Noise.AtLeast(paired, 1.3));

        Assert.Throws<ArgumentException>(() => Noise.PairedRatio([1.0, 2.0], [1.0]));
        Assert.True(double.IsNaN(Noise.PairedRatio([1.0, 2.0], [1.0, 0.0]).Median));
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

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(6, 0)]
    [InlineData(7, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(11, 2)]
    [InlineData(12, 3)]
    [InlineData(13, 3)]
    public void From_seven_repeats_the_most_extreme_at_each_end_are_set_aside_while_the_band_still_covers_the_median_at_85_percent(int repeats, int setAside)
    {
        Assert.Equal(setAside, Noise.SetAside(repeats));
    }

    [Fact]
    public void One_outlier_among_seven_repeats_neither_hides_a_difference_nor_makes_one()
    {
        double[] fast = [1.00, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06];
        double[] slow = [1.20, 1.21, 1.22, 1.23, 1.24, 1.25, 1.26];
        double[] fastWithOutlier = [.. fast[..6], 5.0]; // one repeat caught a burst of other work: 5× the others

        Assert.Equal(Difference.BeyondNoise, Noise.Compare(Sample.Of(fastWithOutlier), Sample.Of(slow)));
        Assert.Equal(Difference.WithinNoise, Noise.Compare(Sample.Of(fastWithOutlier), Sample.Of(fast)));
        Assert.Equal(Verdict.Holds, Noise.AtLeast(Noise.Ratio(Sample.Of(slow), Sample.Of(fastWithOutlier)), 1.1));
    }

    [Fact]
    public void Two_outliers_at_one_end_of_seven_repeats_do_widen_the_band()
    {
        double[] slow = [1.20, 1.21, 1.22, 1.23, 1.24, 1.25, 1.26];
        double[] twoOutliers = [1.00, 1.01, 1.02, 1.03, 1.04, 5.0, 5.0];

        Assert.Equal(Difference.WithinNoise, Noise.Compare(Sample.Of(twoOutliers), Sample.Of(slow)));
    }

    [Fact]
    public void The_band_is_the_range_when_fewer_than_seven_repeats_or_no_repeats_were_kept()
    {
        var six = Sample.Of([1.0, 1.1, 1.2, 1.3, 1.4, 9.0]);
        var seven = Sample.Of([1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 9.0]);

        Assert.Equal((1.0, 9.0), (six.Low, six.High));
        Assert.Equal((1.1, 1.5), (seven.Low, seven.High));
        Assert.Equal((1.0, 9.0), (new Sample(1.3, 1.0, 9.0, 7).Low, new Sample(1.3, 1.0, 9.0, 7).High));
        Assert.Equal((2.2, 3.0), (seven.Scale(2).Low, seven.Scale(2).High));
    }

    [Fact]
    public void A_record_keeps_every_repeat_so_its_wall_time_and_throughput_have_the_band()
    {
        var run = new RunResult { Work = 1000, WallSeconds = 0.5, WallSecondsMin = 0.4, WallSecondsMax = 3.0, Throughput = 2000, Repeats = 7, WallSecondsRepeats = [0.5, 0.45, 3.0, 0.4, 0.55, 0.52, 0.48] };

        Assert.Equal((0.45, 0.55), (Sample.Wall(run).Low, Sample.Wall(run).High));
        Assert.Equal(1000 / 0.55, Sample.Throughput(run).Low, 9);
        Assert.Equal(1000 / 0.45, Sample.Throughput(run).High, 9);
    }

    [Fact]
    public void Report_baseline_reads_the_same_band_one_outlier_repeat_changes_nothing()
    {
        static RunResult Record(params double[] walls)
        {
            var sorted = walls.Order().ToArray();
            return new RunResult
            {
                Model = "thread", Workload = "cpu", Workers = 2, Work = 1000, Granularity = 1, Repeats = walls.Length,
                WallSeconds = sorted[walls.Length / 2], WallSecondsMin = sorted[0], WallSecondsMax = sorted[^1],
                Throughput = 1000 / sorted[walls.Length / 2], WallSecondsRepeats = walls,
            };
        }

        var baseline = Record(0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56);
        var again = Record(0.505, 0.515, 0.525, 0.535, 0.545, 0.555, 2.0); // the same, one repeat disturbed
        var slower = Record(0.45, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66); // slower, one repeat caught at a quiet moment

        var same = ProcessMesh.Cli.Output.FigureChange.Compare([baseline], [again]);
        var changed = ProcessMesh.Cli.Output.FigureChange.Compare([baseline], [slower]);

        Assert.All(same.Where(c => c.Figure is "wall s" or "throughput/s"), c => Assert.Equal(Difference.WithinNoise, c.Noise));
        Assert.All(changed.Where(c => c.Figure is "wall s" or "throughput/s"), c => Assert.Equal(Difference.BeyondNoise, c.Noise));
        Assert.Equal(2, changed.Count(c => c.Figure is "wall s" or "throughput/s"));
    }

    [Fact]
    public void Report_baseline_compares_an_emulated_run_only_with_the_same_emulation()
    {
        static RunResult Record(string emulate, double wall) => new()
        {
            Model = "process", Workload = "cpu", Workers = 2, Work = 1000, Granularity = 1, Repeats = 3, Emulate = emulate, Ipc = "pipe",
            WallSeconds = wall, WallSecondsMin = wall * 0.99, WallSecondsMax = wall * 1.01, Throughput = 1000 / wall,
        };

        var changes = ProcessMesh.Cli.Output.FigureChange.Compare([Record("dotnet", 1.0), Record("python", 3.0)], [Record("dotnet", 1.0), Record("python", 3.0)]);

        var walls = changes.Where(c => c.Figure == "wall s").ToList();
        Assert.Equal(2, walls.Count);
        Assert.All(walls, c => Assert.Equal(c.Baseline, c.Current));
    }
}
