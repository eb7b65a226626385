using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Worker.Modes;

/// <summary>
/// <c>ipc-bench --ipc pipe|uds|tcp --sizes 8,1024,65536,1048576 --seconds S[,S...] [--go yes] [--peers N]</c>: what one
/// message between two real processes costs (<c>--seconds</c>: one time for every size, or one a size, as the
/// calibration measures its quiet 8 B sample shorter than the other sizes; with <c>--go yes</c>, it prints <c>ready</c> after its warm-up and measures
/// once a line arrives on its standard input; <c>--peers N</c>: see <see cref="RoundRobin"/>). Starts an <see cref="Echo"/> peer, and per payload size prints one JSON line:
/// <list type="bullet">
/// <item>the measured phase, about S seconds of frames bounced off the peer, is cut into <see cref="Rounds.Count"/>
/// rounds, and each figure is the median of the rounds' own (<see cref="Rounds"/>), so one slow burst decides none;</item>
/// <item><c>oneWayMicros</c>: half the <b>mean</b> round trip of a round (every round trip counted, as the os model's
/// pingpong counts them);</item>
/// <item><c>senderCpuMicros + receiverCpuMicros</c>: the CPU one process burns per round trip, averaged over both
/// (bench and peer CPU over the round, from each process's own getrusage, divided by its round trips, halved);</item>
/// <item>the split between them: a one-way stream of about S/4 seconds (the bench only sends, the peer only
/// receives) gives the sender's share of send + receive CPU; the round-trip sum is split in that ratio, so the
/// two always add up to the round-trip figure.</item>
/// </list>
/// The peer is killed (by its PID) when the bench ends, also on failure.
/// </summary>
internal static class IpcBench
{
    public static int Run(Options options)
    {
        var ipc = options.Text("--ipc", IpcNames.Pipe);
        if (!IpcNames.All.Contains(ipc))
        {
            throw new UsageException($"--ipc: '{ipc}' is not one of {string.Join(", ", IpcNames.All)}");
        }

        var sizes = options.Int64s("--sizes", "8,1024,65536,1048576");
        var seconds = options.Doubles("--seconds", "1");
        var peers = (int)options.Int64("--peers", 1);
        if (peers > 1)
        {
            return seconds.Count == 1 ? RoundRobin.Run(ipc, sizes, seconds[0], peers) : throw new UsageException("--seconds: one time with --peers");
        }

        IReadOnlyList<double> perSize = seconds.Count == 1 ? [.. Enumerable.Repeat(seconds[0], sizes.Count)]
            : seconds.Count == sizes.Count ? seconds
            : throw new UsageException($"--seconds: {seconds.Count} times for {sizes.Count} sizes (one for every size, or one a size)");

        var directory = Directory.CreateTempSubdirectory("pm-bench-").FullName;
        Process? peer = null;
        try
        {
            using var listener = IpcListener.Open(ipc, directory, "bench");
            peer = Process.Start(SelfLaunch.StartInfo(["echo", "--ipc", ipc, "--connect", listener.Address]))
                   ?? throw new InvalidOperationException("the echo peer did not start");
            using var link = AcceptFrom(listener, peer);
            // JIT (every method optimized at its first call: tiered compilation is off) and page in both sides; as long
            // as half the first size's time, so that every quiet sample of the calibration (its first size, 8 B) is
            // preceded by the same warm-up whether more sizes follow or not.
            Bounce(link, new byte[8], TimeSpan.FromSeconds(Math.Min(0.5, perSize[0] / 2)));
            _ = PeerCpu(link); // and the CPU reading's code, both sides, which the first round's CPU would count
            if (options.Text("--go", "no") == "yes")
            {
                // Several benches measured at once (pairs ping-ponging together): each says it is ready and measures
                // when told, so their measured phases overlap and none of them runs while the others are still starting.
                Console.Out.WriteLine("ready");
                Console.Out.Flush();
                _ = Console.In.ReadLine();
            }

            foreach (var (size, time) in sizes.Zip(perSize))
            {
                var line = Measure(link, ipc, new byte[size], time);
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }

            link.Send(EchoKinds.Done, []);
            return 0;
        }
        finally
        {
            if (peer is not null)
            {
                Reaper.Kill(peer);
                peer.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Accepts the peer's link, or fails when the peer exits first or takes over 30 s.</summary>
    internal static IFrameLink AcceptFrom(IpcListener listener, Process peer) => AcceptFrom(listener, [peer]).Single();

    /// <summary>Accepts every one of <paramref name="peers"/>' links (in the order they connect), or fails when one exits first or they take over 30 s.</summary>
    internal static List<IFrameLink> AcceptFrom(IpcListener listener, IReadOnlyList<Process> peers)
    {
        var links = new List<IFrameLink>(peers.Count);
        var deadline = Stopwatch.StartNew();
        while (links.Count < peers.Count)
        {
            var accepting = Task.Factory.StartNew(listener.Accept, TaskCreationOptions.LongRunning);
            while (!accepting.Wait(50))
            {
                var exited = peers.FirstOrDefault(p => p.HasExited);
                if (exited is not null || deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"an echo peer did not connect ({(exited is not null ? $"one exited with {exited.ExitCode}" : "30 s")})");
                }
            }

            links.Add(accepting.Result.Link);
        }

        return links;
    }

    private static string Measure(IFrameLink link, string ipc, byte[] payload, double seconds)
    {
        Bounce(link, payload, TimeSpan.FromSeconds(seconds / 10)); // this size's buffers, both sides

        // Rounds.Count short rounds, each timed and its CPU read on its own: the figures are the rounds' medians.
        var rounds = new List<Rounds.Round>(Rounds.Count);
        for (var i = 0; i < Rounds.Count; i++)
        {
            var selfBefore = Environment.CpuUsage.TotalTime;
            var peerBefore = PeerCpu(link);
            var times = Bounce(link, payload, TimeSpan.FromSeconds(seconds / Rounds.Count));
            var peerAfter = PeerCpu(link);
            var selfAfter = Environment.CpuUsage.TotalTime;
            rounds.Add(new Rounds.Round(
                [.. times.Select(t => Stopwatch.GetElapsedTime(0, t).TotalMicroseconds)],
                ((selfAfter - selfBefore) + (peerAfter - peerBefore)).TotalMicroseconds));
        }

        var (oneWay, perProcessPerRoundTrip, roundTrips) = Rounds.Of(rounds);

        // One way only: the bench's CPU is sending, the peer's is receiving.
        var streamSelfBefore = Environment.CpuUsage.TotalTime;
        var streamPeerBefore = PeerCpu(link);
        var clock = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds / 4);
        do
        {
            link.Send(EchoKinds.Swallow, payload);
        }
        while (clock.Elapsed < limit);

        var streamPeer = (PeerCpu(link) - streamPeerBefore).TotalMicroseconds;
        var streamSelf = (Environment.CpuUsage.TotalTime - streamSelfBefore).TotalMicroseconds;
        var senderShare = streamSelf + streamPeer > 0 ? streamSelf / (streamSelf + streamPeer) : 0.5;

        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("ipc", ipc);
            writer.WriteNumber("payloadBytes", payload.Length);
            writer.WriteNumber("roundTrips", roundTrips);
            writer.WriteNumber("rounds", rounds.Count);
            writer.WriteNumber("oneWayMicros", Round(oneWay));
            writer.WriteNumber("senderCpuMicros", Round(perProcessPerRoundTrip * senderShare));
            writer.WriteNumber("receiverCpuMicros", Round(perProcessPerRoundTrip * (1 - senderShare)));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(json.WrittenSpan);
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>Bounces <paramref name="payload"/> off the peer for <paramref name="duration"/>; each round trip's time in stopwatch ticks.</summary>
    private static List<long> Bounce(IFrameLink link, byte[] payload, TimeSpan duration)
    {
        var times = new List<long>(1024);
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long now;
        do
        {
            var start = Stopwatch.GetTimestamp();
            link.Send(EchoKinds.Bounce, payload);
            var reply = link.Receive();
            if (reply.Kind != EchoKinds.Bounce || reply.Body.Length != payload.Length)
            {
                throw new InvalidDataException($"the echo peer answered a {payload.Length}-byte bounce with kind {reply.Kind}, {reply.Body.Length} bytes");
            }

            now = Stopwatch.GetTimestamp();
            times.Add(now - start);
        }
        while (now < end);

        return times;
    }

    /// <summary>The peer's CPU time so far, once it has handled every frame sent before.</summary>
    internal static TimeSpan PeerCpu(IFrameLink link)
    {
        link.Send(EchoKinds.Cpu, []);
        var reply = link.Receive();
        return reply.Kind == EchoKinds.Cpu
            ? TimeSpan.FromTicks(reply.Int64())
            : throw new InvalidDataException($"the echo peer answered a CPU request with kind {reply.Kind}");
    }
}
