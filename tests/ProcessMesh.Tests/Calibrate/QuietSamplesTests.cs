using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// A quiet pair's 8 B figures over each kind's first IPC (since calibration format 8) are the median of samples taken
/// at moments spread over the calibration, as the .NET crowd's are (<see cref="Samples"/>), so one slow spell of the VM,
/// as ran a lone real pingpong pair 20 % off its calibration minutes later, decides no figure.
/// </summary>
public sealed class QuietSamplesTests
{
    private static MessageCalibration Sample(double oneWay, double sender, double receiver) => new()
    {
        Between = MessageCalibration.BetweenProcesses, Kind = Emulation.DotNet, Ipc = "pipe", PayloadBytes = 8,
        OneWayMicros = oneWay, SenderCpuMicros = sender, ReceiverCpuMicros = receiver,
    };

    [Fact]
    public void Each_figure_is_the_median_sample()
    {
        // The second sample fell in a slow spell; each figure's median comes from whichever sample holds it.
        var figure = MessageBench.OfSamples([Sample(5.5, 1.9, 3.7), Sample(9.8, 3.4, 5.6), Sample(5.4, 2.0, 3.6)]);

        Assert.Equal(5.5, figure.OneWayMicros, 6);
        Assert.Equal(2.0, figure.SenderCpuMicros, 6);
        Assert.Equal(3.7, figure.ReceiverCpuMicros, 6);
        Assert.Equal((MessageCalibration.BetweenProcesses, Emulation.DotNet, "pipe", 8), (figure.Between, figure.Kind, figure.Ipc, figure.PayloadBytes));
    }

    [Fact]
    public void One_sample_is_the_figure()
    {
        var figure = MessageBench.OfSamples([Sample(31.2, 19.0, 13.8)]);

        Assert.Equal(Sample(31.2, 19.0, 13.8), figure);
    }

    [Fact]
    public void No_sample_or_samples_of_different_pairs_are_an_error()
    {
        Assert.Contains("no sample", Assert.Throws<InvalidOperationException>(() => MessageBench.OfSamples([])).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => MessageBench.OfSamples([Sample(5, 2, 3), Sample(5, 2, 3) with { PayloadBytes = 1024 }]));
        Assert.Throws<InvalidOperationException>(() => MessageBench.OfSamples([Sample(5, 2, 3), Sample(5, 2, 3) with { Kind = Emulation.Python }]));
    }

    [Fact]
    public void The_crowd_and_the_quiet_pair_spread_their_samples_by_one_rule()
    {
        Assert.Equal((1, 1, 1), Samples.Spread(3));
        Assert.Equal((0, 1, 1), Samples.Spread(2));
        Assert.Equal((0, 1, 0), Samples.Spread(1));
        Assert.Equal((1, 3, 1), Samples.Spread(5));
        Assert.Equal(3, CalibrationPlan.Full.QuietSamples);
        Assert.Equal(1, CalibrationPlan.QuickPlan.QuietSamples);
    }

    [Fact]
    public void A_full_calibration_samples_each_quiet_pair_at_its_start_its_kinds_place_and_its_end()
    {
        var steps = new Calibrator(CalibrationPlan.Full, Kinds, _ => { }).StepNames().ToList();

        foreach (var (label, ipc) in new[] { ("python", "pipe"), (".NET", "pipe") })
        {
            var samples = Indices(steps, s => s.StartsWith($"{label}: messages over {ipc} (", StringComparison.Ordinal) && s.Contains("sample", StringComparison.Ordinal));
            Assert.Equal(3, samples.Count);
            Assert.True(samples[0] < steps.IndexOf($"{label}: start to first answer (5 starts)"), $"{label}'s first quiet sample is not before its start:\n{string.Join('\n', steps)}");
            Assert.Equal($"{label}: messages over {ipc} (8 B, 1 KiB, 64 KiB, 1 MiB; 8 B sample 2 of 3)", steps[samples[1]]); // at the kind's place, the first of its sizes
            Assert.True(samples[2] > Indices(steps, s => s.StartsWith(".NET: threads", StringComparison.Ordinal)).Single(), $"{label}'s last quiet sample is not after the last kind's threads:\n{string.Join('\n', steps)}");
            Assert.Equal($"{label}: messages over {ipc} (8 B, sample 1 of 3)", steps[samples[0]]);
            Assert.Equal($"{label}: messages over {ipc} (8 B, sample 3 of 3)", steps[samples[2]]);
        }

        // The other IPCs keep every size, no sample; the .NET crowd's samples are still spread the same way.
        Assert.Contains(".NET: messages over uds (8 B, 1 KiB, 64 KiB, 1 MiB)", steps);
        Assert.Contains("python: messages over queue (8 B, 1 KiB, 64 KiB, 1 MiB)", steps);
        var crowd = Indices(steps, s => s.StartsWith(".NET: messages among", StringComparison.Ordinal));
        Assert.Equal(3, crowd.Count);
        Assert.True(crowd[0] < steps.IndexOf("python: start to first answer (5 starts)"));
        Assert.Equal(steps.Count - 1, crowd[2]);
    }

    [Fact]
    public void A_quick_calibration_takes_one_quiet_sample_at_each_kinds_place()
    {
        var steps = new Calibrator(CalibrationPlan.QuickPlan, Kinds, _ => { }).StepNames().ToList();

        foreach (var label in new[] { "python", ".NET" })
        {
            var sample = Assert.Single(steps, s => s.StartsWith($"{label}: messages over", StringComparison.Ordinal));
            Assert.Equal($"{label}: messages over pipe (8 B, sample 1 of 1)", sample);
            Assert.True(steps.IndexOf(sample) > steps.IndexOf($"{label}: start to first answer (3 starts)"));
        }
    }

    /// <summary>Both kinds, as the calibration lists them (CPython first); nothing is started by listing the steps.</summary>
    private static readonly ProcessKind[] Kinds =
    [
        new(Emulation.Python, "python", _ => throw new InvalidOperationException("listing steps starts no process"), Emulation.IpcsOf(Emulation.Python)),
        new(Emulation.DotNet, ".NET", _ => throw new InvalidOperationException("listing steps starts no process"), Emulation.IpcsOf(Emulation.DotNet)),
    ];

    private static List<int> Indices(IReadOnlyList<string> steps, Func<string, bool> which) =>
        [.. steps.Select((s, i) => (s, i)).Where(p => which(p.s)).Select(p => p.i)];
}
