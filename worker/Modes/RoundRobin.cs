using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Worker.Modes;

/// <summary>
/// <c>ipc-bench --ipc I --sizes 8 --seconds S --peers N</c> (N ≥ 2): what a message costs when it wakes a process that
/// slept while others were served. Starts N <see cref="Echo"/> peers and bounces a message off each in turn, so each
/// peer sleeps through the other N−1 round trips before its next message, as each process of a ring of N does. Per
/// payload size one JSON line: <c>medianRoundTripMicros</c> and <c>meanRoundTripMicros</c> (every wake included,
/// as a run's throughput counts them; the calibration keeps the median, as a quiet pair's one way is a median, so a
/// preemption by another program's burst does not move it) and <c>cpuMicrosPerMessage</c> (this process's and every peer's CPU over the phase, from their own
/// getrusage, over the messages, two a round trip). Every peer is killed (by its PID) when the bench ends.
/// </summary>
internal static class RoundRobin
{
    public static int Run(string ipc, IReadOnlyList<long> sizes, double seconds, int peers)
    {
        var directory = Directory.CreateTempSubdirectory("pm-bench-").FullName;
        var started = new List<Process>(peers);
        try
        {
            using var listener = IpcListener.Open(ipc, directory, "bench");
            for (var i = 0; i < peers; i++)
            {
                started.Add(Process.Start(SelfLaunch.StartInfo(["echo", "--ipc", ipc, "--connect", listener.Address, "--name", $"echo{i}"]))
                            ?? throw new InvalidOperationException($"echo peer {i} did not start"));
            }

            var links = IpcBench.AcceptFrom(listener, started);
            // JIT and page in every side: as long as the phase (up to a second), so the peers' tiered JIT (on background
            // threads, a while after they start) is mostly done before their CPU is read, or it counts as the messages'.
            Bounce(links, new byte[8], TimeSpan.FromSeconds(Math.Min(1, seconds)), []);
            foreach (var size in sizes)
            {
                var payload = new byte[size];
                Bounce(links, payload, TimeSpan.FromSeconds(seconds / 10), []);
                var selfBefore = Environment.CpuUsage.TotalTime;
                var peersBefore = links.Sum(l => IpcBench.PeerCpu(l).Ticks);
                var clock = Stopwatch.StartNew();
                var times = new List<long>(1 << 16);
                var roundTrips = Bounce(links, payload, TimeSpan.FromSeconds(seconds), times);
                var elapsed = clock.Elapsed;
                var peersAfter = links.Sum(l => IpcBench.PeerCpu(l).Ticks);
                var cpu = (Environment.CpuUsage.TotalTime - selfBefore) + TimeSpan.FromTicks(peersAfter - peersBefore);
                times.Sort();

                var json = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(json))
                {
                    writer.WriteStartObject();
                    writer.WriteString("ipc", ipc);
                    writer.WriteNumber("payloadBytes", size);
                    writer.WriteNumber("peers", peers);
                    writer.WriteNumber("roundTrips", roundTrips);
                    writer.WriteNumber("meanRoundTripMicros", Math.Round(elapsed.TotalMicroseconds / roundTrips, 3));
                    writer.WriteNumber("medianRoundTripMicros", Math.Round(Stopwatch.GetElapsedTime(0, times[times.Count / 2]).TotalMicroseconds, 3));
                    writer.WriteNumber("cpuMicrosPerMessage", Math.Round(cpu.TotalMicroseconds / (2.0 * roundTrips), 3));
                    writer.WriteEndObject();
                }

                Console.Out.WriteLine(Encoding.UTF8.GetString(json.WrittenSpan));
                Console.Out.Flush();
            }

            foreach (var link in links)
            {
                link.Send(EchoKinds.Done, []);
            }

            return 0;
        }
        finally
        {
            foreach (var peer in started)
            {
                Reaper.Kill(peer);
                peer.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Bounces <paramref name="payload"/> off each link in turn for <paramref name="duration"/>, each round trip's ticks added to <paramref name="times"/>; how many round trips it made.</summary>
    private static long Bounce(List<IFrameLink> links, byte[] payload, TimeSpan duration, List<long> times)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long roundTrips = 0;
        do
        {
            foreach (var link in links)
            {
                var start = Stopwatch.GetTimestamp();
                link.Send(EchoKinds.Bounce, payload);
                var reply = link.Receive();
                times.Add(Stopwatch.GetTimestamp() - start);
                if (reply.Kind != EchoKinds.Bounce || reply.Body.Length != payload.Length)
                {
                    throw new InvalidDataException($"an echo peer answered a {payload.Length}-byte bounce with kind {reply.Kind}, {reply.Body.Length} bytes");
                }
            }

            roundTrips += links.Count;
        }
        while (Stopwatch.GetTimestamp() < end);

        return roundTrips;
    }
}
