using ProcessMesh.Grains.Calibrate;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// The rule of the calibration's message figures (format 4; a round's mean since 5): the median of short rounds, not one stretch of a second,
/// for <c>ipc-bench</c>'s pair (<see cref="Rounds"/>) and the crowds of os model workers
/// (<see cref="ContentionBench.OfSlices"/>), so one slow burst decides no figure.
/// </summary>
public sealed class MessageRoundsTests
{
    private static Rounds.Round Round(double roundTripMicros, int roundTrips, double cpuMicrosPerRoundTrip) =>
        new([.. Enumerable.Repeat(roundTripMicros, roundTrips)], cpuMicrosPerRoundTrip * roundTrips);

    [Fact]
    public void A_slow_round_decides_neither_the_one_way_nor_the_cpu()
    {
        // Four rounds at 20 µs a round trip and 40 µs of CPU (both processes) a round trip; one slow burst at 200 µs
        // that burned 100 ms of CPU. Pooled over the phase, the CPU would read (4 × 40 × 1000 + 100,000) / 5,000 / 2 = 26 µs.
        var rounds = new[] { Round(20, 1000, 40), Round(20, 1000, 40), Round(200, 1000, 100), Round(20, 1000, 40), Round(20, 1000, 40) };

        var (oneWay, cpu, roundTrips) = Rounds.Of(rounds);

        Assert.Equal(10, oneWay, 6);
        Assert.Equal(20, cpu, 6);
        Assert.Equal(5000, roundTrips);
    }

    [Fact]
    public void The_one_way_is_the_median_round_of_half_each_rounds_mean_round_trip()
    {
        // Each round's mean round trip (every round trip counts, as the os model's pingpong counts them): 30, 40, 204;
        // the median round is 40, so 20 one way. Their medians (10, 40, 5) would have made it 5: the slow wake-ups of
        // the first and last rounds left out, which a real run pays.
        var rounds = new[]
        {
            new Rounds.Round([10, 10, 10, 90], 400),
            new Rounds.Round([40, 40, 40, 40], 80),
            new Rounds.Round([5, 5, 5, 5, 1000], 200),
        };

        var (oneWay, cpu, _) = Rounds.Of(rounds);

        Assert.Equal(20, oneWay, 6);
        Assert.Equal(20, cpu, 6); // CPU per round trip 100, 20, 40, halved: 50, 10, 20: the median 20
    }

    [Fact]
    public void Rounds_without_a_round_trip_are_left_out_and_none_at_all_is_an_error()
    {
        var (oneWay, _, _) = Rounds.Of([new Rounds.Round([], 500), new Rounds.Round([8, 8], 16)]);
        Assert.Equal(4, oneWay, 6);

        var error = Assert.Throws<InvalidOperationException>(() => Rounds.Of([new Rounds.Round([], 500)]));
        Assert.Contains("no round made a round trip", error.Message);
    }

    [Fact]
    public void A_crowds_figures_are_the_median_slice_after_the_warm_up()
    {
        // The warm-up (from go to the first reading) took 250 µs a message and is not counted; of the five slices,
        // one ran 200 µs a hop under a burst of load; the others 20 µs, 20 µs of CPU a message.
        var readings = new List<(double AtMicros, long Messages, double CpuMicros)> { (250_000, 1_000, 500_000) };
        foreach (var (hop, count) in new[] { (20.0, 10_000L), (20, 10_000), (200, 1_000), (20, 10_000), (20, 10_000) })
        {
            var last = readings[^1];
            readings.Add((last.AtMicros + (hop * count), last.Messages + count, last.CpuMicros + (count * (hop == 200 ? 300 : 20))));
        }

        var figures = ContentionBench.OfSlices(readings);

        Assert.NotNull(figures);
        Assert.Equal(20, figures.Value.Hop, 6);
        Assert.Equal(20, figures.Value.Cpu, 6);
    }

    [Fact]
    public void A_crowd_that_sent_nothing_has_no_figures()
    {
        Assert.Null(ContentionBench.OfSlices([(0, 0, 0), (200_000, 0, 10), (400_000, 0, 20)]));
        Assert.Null(ContentionBench.OfSlices([(0, 0, 0)]));
    }
}
