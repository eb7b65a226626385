using ProcessMesh.Grains.Calibrate;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// The .NET thread hand-off (<see cref="ThreadCosts.HandOffFigures"/>, since calibration format 7) follows the rule of
/// the process message figures (<see cref="Rounds"/>) and CPython's: one way from each round's mean round trip, the
/// median over rounds; the CPU from clocks read around rounds, split in the ratio of a separate ping-pong's.
/// </summary>
public sealed class ThreadHandOffRoundsTests
{
    /// <summary>Three rounds, each its round trips (µs) and both threads' CPU over it (µs): mean round trips 30, 40 and 204 µs (MessageRoundsTests' rounds).</summary>
    private static readonly Rounds.Round[] _rounds =
    [
        new([10, 10, 10, 90], 400),
        new([40, 40, 40, 40], 80),
        new([5, 5, 5, 5, 1000], 200),
    ];

    [Fact]
    public void The_one_way_is_the_median_round_of_half_each_rounds_mean_round_trip()
    {
        // Each round's mean round trip 30, 40, 204 µs: the median round 40, so 20 one way. Format 6's rule, half the
        // median round trip over the whole phase (5, 5, 5, 5, 10, 10, 10, 40, 40, 40, 40, 90, 1000: 10), made it 5.
        var (oneWay, _, _) = ThreadCosts.HandOffFigures(_rounds, 3, 1);

        Assert.Equal(20, oneWay, 6);
    }

    [Fact]
    public void The_rounds_cpu_is_split_in_the_split_ping_pongs_ratio_and_adds_up_to_it()
    {
        // Both threads' CPU per round trip 100, 20, 40 µs, per message 50, 10, 20: the median 20, whatever the split
        // ping-pong burned (its clock readings in every wait made it 3 + 1 = 4 per message here); 3 : 1 of it sending.
        var (_, sender, receiver) = ThreadCosts.HandOffFigures(_rounds, 3, 1);
        var (_, evenSender, evenReceiver) = ThreadCosts.HandOffFigures(_rounds, 0, 0);

        Assert.Equal(15, sender, 6);
        Assert.Equal(5, receiver, 6);
        Assert.Equal(10, evenSender, 6);
        Assert.Equal(10, evenReceiver, 6);
    }

    [Fact]
    public void Rounds_without_a_round_trip_are_left_out_and_none_at_all_is_an_error()
    {
        var (oneWay, _, _) = ThreadCosts.HandOffFigures([new Rounds.Round([], 500), new Rounds.Round([8, 8], 16)], 1, 1);
        Assert.Equal(4, oneWay, 6);

        Assert.Throws<InvalidOperationException>(() => ThreadCosts.HandOffFigures([new Rounds.Round([], 500)], 1, 1));
    }
}
