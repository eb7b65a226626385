using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;

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
    /// <summary>What a message costs among <paramref name="processes"/> processes of <paramref name="kind"/>; <paramref name="quiet"/> is its quiet pair's 8 B figure over the same IPC.</summary>
    public static async Task<ProcessContention> RunAsync(
        ProcessKind kind, MessageCalibration quiet, int processes, double seconds, CancellationToken cancellationToken)
    {
        return kind.Kind == Emulation.DotNet
            ? await MeshAsync(kind.Ipcs[0], quiet, processes, seconds, cancellationToken)
            : await BenchAsync(kind, quiet, processes, seconds, cancellationToken);
    }

    /// <summary>How many slices a crowd's phase is read in (the ring's hop is the median slice's mean).</summary>
    private const int Slices = 5;

    /// <summary>
    /// The .NET kind, with the os model's own workers (<see cref="MeshCrowd"/>): a ring of <paramref name="processes"/>
    /// (each hop wakes a worker that slept through the other N − 1: the woken one way is the mean hop, wall time over
    /// hops, of the median of <see cref="Slices"/> slices of the phase, so a burst of another program's load in one slice
    /// does not move it), then N/2 pingpong pairs at once (the CPU per message: every worker's CPU from <c>go</c> over the
    /// messages, which is the core time a message takes when the crowd keeps every core busy). Both from <c>go</c>, as the
    /// os model times a run, so the workers' own warm-up (their tiered JIT, the first wake-ups) is in them as it is in a
    /// run of about as many seconds.
    /// </summary>
    private static async Task<ProcessContention> MeshAsync(string ipc, MessageCalibration quiet, int processes, double seconds, CancellationToken cancellationToken)
    {
        var slice = TimeSpan.FromSeconds(seconds / Slices);
        double ringHop, ringCpu;
        using (var ring = await MeshCrowd.StartAsync("ring", ipc, processes, cancellationToken))
        {
            var hops = new List<double>();
            var (before, cpuBefore) = (0L, 0.0); // a worker's count starts at ready; it reads no command before go
            await ring.GoAsync();
            var clock = Stopwatch.StartNew();
            var (last, lastAt) = (before, 0.0);
            double cpu = 0;
            for (var i = 0; i < Slices; i++)
            {
                await Task.Delay(slice, cancellationToken);
                var (messages, cpuNow) = await ring.CountAsync(cancellationToken);
                var at = clock.Elapsed.TotalMicroseconds;
                if (messages > last)
                {
                    hops.Add((at - lastAt) / (messages - last));
                }

                (last, lastAt, cpu) = (messages, at, cpuNow - cpuBefore);
            }

            ringHop = hops.Count > 0 ? ProcessFootprints.Median(hops) : throw new InvalidOperationException($"a ring of {processes} .NET mesh workers took no hop in {seconds:0.##} s");
            ringCpu = cpu / Math.Max(1, last - before);
        }

        double pairsOneWay, pairsCpu;
        using (var pairs = await MeshCrowd.StartAsync("pingpong", ipc, processes, cancellationToken))
        {
            var (before, cpuBefore) = (0L, 0.0);
            await pairs.GoAsync();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            var (messages, cpu) = await pairs.CountAsync(cancellationToken);
            var wall = clock.Elapsed.TotalMicroseconds;
            var sent = messages - before;
            if (sent <= 0)
            {
                throw new InvalidOperationException($"{processes / 2} pairs of .NET mesh workers made no round trip in {seconds:0.##} s");
            }

            pairsOneWay = wall * (processes / 2) / sent; // each pair's messages follow one another
            pairsCpu = (cpu - cpuBefore) / sent;
        }

        return new ProcessContention
        {
            Ipc = ipc,
            PayloadBytes = 8,
            Processes = processes,
            WokenOneWayMicros = Math.Round(Math.Max(quiet.OneWayMicros, ringHop), 3),
            WokenCpuMicros = Math.Round(ringCpu, 3),
            PairsOneWayMicros = Math.Round(pairsOneWay, 3),
            PairsCpuMicros = Math.Round(pairsCpu, 3),
        };
    }

    /// <summary>A kind without an os model worker (CPython): its own <c>ipc-bench</c>, round robin then pairs.</summary>
    private static async Task<ProcessContention> BenchAsync(
        ProcessKind kind, MessageCalibration quiet, int processes, double seconds, CancellationToken cancellationToken)
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
            return (OneWay: seconds * 1e6 / (2 * roundTrips), Cpu: sender + receiver);
        }).ToList();

        return new ProcessContention
        {
            Ipc = ipc,
            PayloadBytes = 8,
            Processes = processes,
            WokenOneWayMicros = Math.Round(Math.Max(quiet.OneWayMicros, medianRoundTrip - quiet.OneWayMicros), 3),
            WokenCpuMicros = Math.Round(wokenCpu, 3),
            PairsOneWayMicros = Math.Round(perPair.Average(p => p.OneWay), 3),
            PairsCpuMicros = Math.Round(perPair.Average(p => p.Cpu), 3),
        };
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
