using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// Messages among a crowd of real processes of one kind, over its first IPC at 8 B (<see cref="ProcessContention"/>).
/// The .NET kind runs the os model's own workers (<see cref="MeshCrowd"/>): a ring of N, then N/2 pingpong pairs at
/// once, so the emulation pays what <c>--model os</c> pays per message when crowded (its workers' loop, latency
/// histogram and links cost about 2.5× a bare benchmark process's per message on 2 cores). CPython, which has no os
/// model worker, runs its <c>ipc-bench</c>: one process bouncing a message off each of N−1 others in turn
/// (<c>--peers</c>: each wakes from a sleep through the others' round trips, as in a ring of N), then N/2 pairs
/// ping-ponging at once (N/2 <c>ipc-bench</c>s, their measured phases started together). Every process is killed by
/// its PID if it is left.
/// </summary>
internal static class ContentionBench
{
    /// <summary>What a message costs among <paramref name="processes"/> processes of <paramref name="kind"/>; <paramref name="quiet"/> is its quiet pair's 8 B figure over the same IPC (the .NET kind: one sample, see <see cref="SampleMeshAsync"/> for the calibration's several).</summary>
    public static async Task<ProcessContention> RunAsync(
        ProcessKind kind, MessageCalibration quiet, int processes, double seconds, CancellationToken cancellationToken)
    {
        return kind.Kind == Emulation.DotNet
            ? OfSamples(kind.Ipcs[0], quiet, processes, [await SampleMeshAsync(kind.Ipcs[0], processes, seconds, seconds / 4, cancellationToken)])
            : OfBench(kind.Ipcs[0], quiet, processes, await BenchAsync(kind, processes, seconds, cancellationToken));
    }

    /// <summary>What a kind without an os model worker (CPython) measured among its crowd, microseconds, before the quiet pair's figure is taken into it (<see cref="OfBench"/>).</summary>
    /// <param name="MedianRoundTrip">The round robin's median round trip: to a woken process and back to one that only waited.</param>
    /// <param name="WokenCpu">Every process's CPU over the round robin's messages.</param>
    /// <param name="PairsOneWay">The pairs' one way, the mean over the pairs of each pair's elapsed time over its messages.</param>
    /// <param name="PairsCpu">Both sides' CPU per message, averaged over the pairs.</param>
    internal sealed record BenchCrowd(double MedianRoundTrip, double WokenCpu, double PairsOneWay, double PairsCpu);

    /// <summary>
    /// A CPython crowd's figures: one way to a woken process is the round robin's median round trip less the quiet
    /// pair's one way (the way back goes to a process that only waited for that answer), and never below it.
    /// <paramref name="quiet"/> is the quiet pair's figure as calibrated (since format 8 the median of its samples, the
    /// last taken at the end of the calibration, so the crowd, measured at the kind's place, is set then).
    /// </summary>
    internal static ProcessContention OfBench(string ipc, MessageCalibration quiet, int processes, BenchCrowd crowd) => new()
    {
        Ipc = ipc,
        PayloadBytes = 8,
        Processes = processes,
        WokenOneWayMicros = Math.Round(Math.Max(quiet.OneWayMicros, crowd.MedianRoundTrip - quiet.OneWayMicros), 3),
        WokenCpuMicros = Math.Round(crowd.WokenCpu, 3),
        PairsOneWayMicros = Math.Round(crowd.PairsOneWay, 3),
        PairsCpuMicros = Math.Round(crowd.PairsCpu, 3),
    };

    /// <summary>How many slices a crowd's phase is read in, after its warm-up (each figure is the median slice's).</summary>
    internal const int Slices = 5;

    /// <summary>One sample of the .NET crowd: a ring's mean hop and CPU a hop, then the pairs' mean message and CPU a message, microseconds (each the median of its slices).</summary>
    /// <param name="RingHop">The ring's hop: a slice's wall time over its hops, the median slice.</param>
    /// <param name="RingCpu">Every ring worker's CPU over a slice's hops, the median slice.</param>
    /// <param name="PairsHop">The pairs' wall time over their messages (all pairs'), the median slice.</param>
    /// <param name="PairsCpu">Every pair worker's CPU over a slice's messages, the median slice.</param>
    internal sealed record MeshSample(double RingHop, double RingCpu, double PairsHop, double PairsCpu);

    /// <summary>
    /// One sample of the .NET kind, with the os model's own workers (<see cref="MeshCrowd"/>): a ring of
    /// <paramref name="processes"/> (each hop wakes a worker that slept through the other N − 1: the woken one way is a
    /// slice's mean hop, wall time over hops), then N/2 pingpong pairs at once (the CPU per message: every worker's CPU
    /// over the slice's messages, the core time a message takes when the crowd keeps every core busy; the pairs' one
    /// way, a slice's wall time over each pair's messages). Each crowd runs a warm-up of <paramref name="warmUp"/>
    /// seconds from <c>go</c> (the workers' first wake-ups), not counted, then <see cref="Slices"/> slices of
    /// <paramref name="seconds"/> in all, read with <c>count</c>; each figure is the median of the slices'
    /// (<see cref="OfSlices"/>), so a burst of another program's load in one slice, or the warm-up, does not move it.
    /// The calibration takes several samples spread over its run (<see cref="OfSamples"/>).
    /// </summary>
    internal static async Task<MeshSample> SampleMeshAsync(string ipc, int processes, double seconds, double warmUp, CancellationToken cancellationToken)
    {
        (double Hop, double Cpu) ring, pairs;
        using (var crowd = await MeshCrowd.StartAsync("ring", ipc, processes, cancellationToken))
        {
            ring = OfSlices(await ReadSlicesAsync(crowd, seconds, warmUp, cancellationToken))
                ?? throw new InvalidOperationException($"a ring of {processes} .NET mesh workers took no hop in {seconds:0.##} s");
        }

        using (var crowd = await MeshCrowd.StartAsync("pingpong", ipc, processes, cancellationToken))
        {
            pairs = OfSlices(await ReadSlicesAsync(crowd, seconds, warmUp, cancellationToken))
                ?? throw new InvalidOperationException($"{processes / 2} pairs of .NET mesh workers made no round trip in {seconds:0.##} s");
        }

        return new MeshSample(ring.Hop, ring.Cpu, pairs.Hop, pairs.Cpu);
    }

    /// <summary>
    /// The .NET crowd's figures from its samples, taken at moments spread over the calibration (since format 7): each
    /// figure the median of the samples' (<see cref="Samples.Median"/>; a sample's is already its median slice), so a
    /// spell of a few seconds in which the machine (a VM: its host's load) ran messages slow or fast decides no figure.
    /// <paramref name="quiet"/> is the quiet pair's figure as calibrated (since format 8 the median of its own samples).
    /// The woken one way is never
    /// below <paramref name="quiet"/>'s one way; the pairs' one way is a pair's (each pair's messages follow one another).
    /// </summary>
    internal static ProcessContention OfSamples(string ipc, MessageCalibration quiet, int processes, IReadOnlyList<MeshSample> samples)
    {
        if (samples.Count == 0)
        {
            throw new InvalidOperationException($"no sample of the {processes} .NET mesh workers to take their figures from");
        }

        return new ProcessContention
        {
            Ipc = ipc,
            PayloadBytes = 8,
            Processes = processes,
            WokenOneWayMicros = Math.Round(Math.Max(quiet.OneWayMicros, Samples.Median(samples, s => s.RingHop)), 3),
            WokenCpuMicros = Math.Round(Samples.Median(samples, s => s.RingCpu), 3),
            PairsOneWayMicros = Math.Round(Samples.Median(samples, s => s.PairsHop) * (processes / 2), 3),
            PairsCpuMicros = Math.Round(Samples.Median(samples, s => s.PairsCpu), 3),
        };
    }

    /// <summary>Starts the crowd's phase, lets it warm up for <paramref name="warmUp"/> seconds, then reads its counts at the end of the warm-up and of each of <see cref="Slices"/> slices of <paramref name="seconds"/> in all.</summary>
    private static async Task<List<(double AtMicros, long Messages, double CpuMicros)>> ReadSlicesAsync(MeshCrowd crowd, double seconds, double warmUp, CancellationToken cancellationToken)
    {
        var readings = new List<(double AtMicros, long Messages, double CpuMicros)>(Slices + 1);
        await crowd.GoAsync();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(warmUp), cancellationToken);
        for (var i = 0; i <= Slices; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds / Slices), cancellationToken);
            }

            var (messages, cpu) = await crowd.CountAsync(cancellationToken);
            readings.Add((clock.Elapsed.TotalMicroseconds, messages, cpu));
        }

        return readings;
    }

    /// <summary>
    /// A crowd's figures from its readings (the first at the end of the warm-up, then one at the end of each slice):
    /// the median over slices of the slice's wall time over its messages (a ring's mean hop), and the median of its
    /// CPU over its messages. Slices without a message are left out; null when none has one.
    /// </summary>
    internal static (double Hop, double Cpu)? OfSlices(IReadOnlyList<(double AtMicros, long Messages, double CpuMicros)> readings)
    {
        var hops = new List<double>();
        var cpus = new List<double>();
        for (var i = 1; i < readings.Count; i++)
        {
            var messages = readings[i].Messages - readings[i - 1].Messages;
            if (messages > 0)
            {
                hops.Add((readings[i].AtMicros - readings[i - 1].AtMicros) / messages);
                cpus.Add(Math.Max(0, readings[i].CpuMicros - readings[i - 1].CpuMicros) / messages);
            }
        }

        return hops.Count == 0 ? null : (Rounds.Median(hops), Rounds.Median(cpus));
    }

    /// <summary>A kind without an os model worker (CPython): its own <c>ipc-bench</c>, round robin then pairs.</summary>
    internal static async Task<BenchCrowd> BenchAsync(ProcessKind kind, int processes, double seconds, CancellationToken cancellationToken)
    {
        var ipc = kind.Ipcs[0];
        var time = seconds.ToString(CultureInfo.InvariantCulture);
        var limit = TimeSpan.FromSeconds(seconds + 60);

        var name = $"{kind.Label} ipc-bench --ipc {ipc} --peers {processes - 1}";
        string roundRobin;
        using (var child = ChildProcess.Start(kind.Start(["ipc-bench", "--ipc", ipc, "--sizes", "8", "--seconds", time, "--peers", $"{processes - 1}"]), name))
        {
            roundRobin = await child.ReadLineAsync("its round-robin figures", limit, cancellationToken);
            await child.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        var (medianRoundTrip, wokenCpu) = Read(roundRobin, name, "medianRoundTripMicros", "cpuMicrosPerMessage");

        var pairs = new List<ChildProcess>();
        var lines = new string[processes / 2];
        try
        {
            for (var i = 0; i < processes / 2; i++)
            {
                pairs.Add(ChildProcess.Start(kind.Start(["ipc-bench", "--ipc", ipc, "--sizes", "8", "--seconds", time, "--go", "yes"]), $"{kind.Label} ipc-bench --ipc {ipc} (pair {i + 1} of {processes / 2})"));
            }

            foreach (var pair in pairs)
            {
                await pair.ExpectAsync("ready", limit, cancellationToken);
            }

            foreach (var pair in pairs)
            {
                await pair.WriteLineAsync("go");
            }

            for (var i = 0; i < pairs.Count; i++)
            {
                lines[i] = await pairs[i].ReadLineAsync("its figures", limit, cancellationToken);
            }

            foreach (var pair in pairs)
            {
                await pair.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
        }
        finally
        {
            foreach (var pair in pairs)
            {
                pair.Dispose();
            }
        }

        var perPair = lines.Select(line =>
        {
            var (roundTrips, sender, receiver) = Read3(line, name);
            var (measured, _) = Read(line, name, "seconds", "rounds"); // its rounds' elapsed time (since format 6), not the time asked for
            return (OneWay: measured * 1e6 / (2 * roundTrips), Cpu: sender + receiver);
        }).ToList();

        return new BenchCrowd(medianRoundTrip, wokenCpu, perPair.Average(p => p.OneWay), perPair.Average(p => p.Cpu));
    }

    private static (double A, double B) Read(string line, string source, string a, string b)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return (json.RootElement.GetProperty(a).GetDouble(), json.RootElement.GetProperty(b).GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException)
        {
            throw new InvalidOperationException($"{source} printed '{line}', not its figures ({e.Message})", e);
        }
    }

    private static (double RoundTrips, double Sender, double Receiver) Read3(string line, string source)
    {
        var (roundTrips, _) = Read(line, source, "roundTrips", "oneWayMicros");
        var (sender, receiver) = Read(line, source, "senderCpuMicros", "receiverCpuMicros");
        return roundTrips > 0 ? (roundTrips, sender, receiver) : throw new InvalidOperationException($"{source} made no round trip");
    }
}
