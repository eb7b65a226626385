using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Load;

/// <summary>
/// A sweep's load point is measured once in each pass over the points, and its record is read from those runs: a
/// change in the machine's load during the sweep lands on every point's band, not on the points that ran then.
/// </summary>
public sealed class SweepPassesTests
{
    private static RunResult Pass(double throughput, bool correct = true, string? outcome = null) => new()
    {
        Model = Models.Process,
        Workload = "load",
        Grains = 100,
        Repeats = 1,
        Throughput = throughput,
        ThroughputMin = throughput,
        ThroughputMax = throughput,
        WallSeconds = 1,
        Correct = correct,
        Actual = correct ? "0 errors, 0 timeouts" : "3 errors, 0 timeouts",
        Outcome = outcome ?? Outcomes.Completed,
    };

    [Fact]
    public void A_point_s_record_is_its_median_pass_with_every_pass_kept_and_its_band_read_from_them()
    {
        // Seven passes; the fourth ran while something else took the cores.
        double[] throughputs = [410_000, 400_000, 395_000, 150_000, 405_000, 398_000, 402_000];

        var record = SweepRunner.Passes([.. throughputs.Select(t => Pass(t))]);

        Assert.Equal(7, record.Repeats);
        Assert.Equal(400_000, record.Throughput);
        Assert.Equal(throughputs, record.ThroughputRepeats);
        Assert.Equal((150_000.0, 410_000.0), (record.ThroughputMin!.Value, record.ThroughputMax!.Value));
        var band = Sample.Throughput(record);
        Assert.Equal((395_000.0, 405_000.0), (band.Low, band.High)); // from 7 repeats the most extreme at each end is set aside
        Assert.True(record.Correct);
    }

    [Fact]
    public void Two_sweeps_whose_load_changed_at_different_times_agree_within_noise_when_measured_in_passes()
    {
        // The same point in two sweeps of 5 passes. Sweep A had a busy stretch during its 2nd and 3rd passes, sweep B
        // during its 4th; each pass of each sweep otherwise reads about 400 k/s and, busy, about 250 k/s.
        var a = SweepRunner.Passes([Pass(402_000), Pass(251_000), Pass(248_000), Pass(398_000), Pass(405_000)]);
        var b = SweepRunner.Passes([Pass(399_000), Pass(404_000), Pass(396_000), Pass(252_000), Pass(401_000)]);
        Assert.Equal(Difference.WithinNoise, Noise.Compare(Sample.Throughput(a), Sample.Throughput(b)));

        // Measured as five drives back to back, A's point fell in its busy stretch and B's did not: the bands miss.
        var drivesA = Pass(250_000) with { Repeats = 5, ThroughputMin = 246_000, ThroughputMax = 255_000 };
        var drivesB = Pass(400_000) with { Repeats = 5, ThroughputMin = 394_000, ThroughputMax = 406_000 };
        Assert.Equal(Difference.BeyondNoise, Noise.Compare(Sample.Throughput(drivesA), Sample.Throughput(drivesB)));

        // A real change that lands on every pass is still beyond noise.
        var slower = SweepRunner.Passes([Pass(300_000), Pass(305_000), Pass(298_000), Pass(302_000), Pass(301_000)]);
        var faster = SweepRunner.Passes([Pass(400_000), Pass(404_000), Pass(396_000), Pass(399_000), Pass(401_000)]);
        Assert.Equal(Difference.BeyondNoise, Noise.Compare(Sample.Throughput(slower), Sample.Throughput(faster)));
    }

    [Fact]
    public void A_pass_with_errors_makes_the_point_incorrect_and_a_lost_pass_makes_it_lost()
    {
        var wrong = SweepRunner.Passes([Pass(400_000), Pass(390_000, correct: false), Pass(410_000)]);
        Assert.False(wrong.Correct);
        Assert.Equal("3 errors, 0 timeouts (pass 2 of 3)", wrong.Actual);

        var lost = SweepRunner.Passes([Pass(400_000), Pass(0, outcome: Outcomes.Lost)]);
        Assert.Equal(Outcomes.Lost, lost.Outcome);
        Assert.Contains(lost.Notes, n => n.Contains("lost in pass 2", StringComparison.Ordinal));
    }
}
