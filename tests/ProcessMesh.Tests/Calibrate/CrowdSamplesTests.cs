using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// The .NET crowd's figures (since calibration format 7) are the median of samples taken at moments spread over the
/// calibration (<see cref="ContentionBench.OfSamples"/>), so one slow spell of the machine, as read 36 and 39 µs a ring
/// hop in two of three calibrations whose runs' real ring took 15 to 17 µs, decides no figure.
/// </summary>
public sealed class CrowdSamplesTests
{
    private static readonly MessageCalibration Quiet = new()
    {
        Between = MessageCalibration.BetweenProcesses, Kind = Emulation.DotNet, Ipc = "pipe", PayloadBytes = 8, OneWayMicros = 6,
    };

    [Fact]
    public void Each_figure_is_the_median_sample()
    {
        // The second sample fell in a slow spell: its ring hop 37 µs, its pairs 2.5 µs a message of the crowd.
        var samples = new ContentionBench.MeshSample[] { new(16, 15, 3.0, 10), new(37, 30, 2.5, 22), new(17, 16, 3.2, 11) };

        var contention = ContentionBench.OfSamples("pipe", Quiet, 16, samples);

        Assert.Equal(17, contention.WokenOneWayMicros, 6);
        Assert.Equal(16, contention.WokenCpuMicros, 6);
        Assert.Equal(3.0 * 8, contention.PairsOneWayMicros, 6); // a pair's messages follow one another: 8 pairs
        Assert.Equal(11, contention.PairsCpuMicros, 6);
        Assert.Equal(16, contention.Processes);
        Assert.Equal(8, contention.PayloadBytes);
    }

    [Fact]
    public void The_woken_one_way_is_never_below_the_quiet_pairs()
    {
        var contention = ContentionBench.OfSamples("pipe", Quiet, 8, [new(4, 5, 2, 6)]);

        Assert.Equal(6, contention.WokenOneWayMicros, 6);
        Assert.Equal(8, contention.PairsOneWayMicros, 6);
    }

    [Fact]
    public void No_sample_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContentionBench.OfSamples("pipe", Quiet, 16, []));
        Assert.Contains("no sample", error.Message);
    }

    [Fact]
    public void A_full_calibration_samples_its_crowd_three_times_and_a_quick_one_once()
    {
        Assert.Equal(3, CalibrationPlan.Full.ContentionSamples);
        Assert.Equal(1, CalibrationPlan.QuickPlan.ContentionSamples);
    }
}
