using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// Messages among a crowd of real processes of one kind, over its first IPC at 8 B (<see cref="ProcessContention"/>):
/// one process bouncing a message off each of N−1 others in turn (<c>ipc-bench --peers</c>: each wakes from a sleep
/// through the others' round trips, as in a ring of N), then N/2 pairs ping-ponging at once (N/2 <c>ipc-bench</c>s,
/// their measured phases started together). Every process is the kind's own; each is killed by its PID if it is left.
/// </summary>
internal static class ContentionBench
{
    /// <summary>What a message costs among <paramref name="processes"/> processes of <paramref name="kind"/>; <paramref name="quiet"/> is its quiet pair's 8 B figure over the same IPC.</summary>
    public static async Task<ProcessContention> RunAsync(
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
