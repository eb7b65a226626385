using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// Messages between two real processes: runs a kind's <c>ipc-bench</c> (it starts its own peer and ping-pongs with
/// it) and reads one JSON line a payload size: the one-way latency (half the round trip) and the CPU each side burns
/// per message, from the processes' own CPU time.
/// </summary>
internal static class MessageBench
{
    /// <summary>What a message over <paramref name="ipc"/> costs between two processes of <paramref name="kind"/>, at each of <paramref name="sizes"/>.</summary>
    public static async Task<IReadOnlyList<MessageCalibration>> RunAsync(
        ProcessKind kind, string ipc, IReadOnlyList<int> sizes, double seconds, CancellationToken cancellationToken)
    {
        var name = $"{kind.Label} ipc-bench --ipc {ipc}";
        using var child = ChildProcess.Start(kind.Start(
            ["ipc-bench", "--ipc", ipc, "--sizes", string.Join(',', sizes), "--seconds", seconds.ToString(CultureInfo.InvariantCulture)]), name);
        // Each size runs for `seconds` after a short warm-up; a 1 MiB round trip can take milliseconds on a loaded machine.
        var perSize = TimeSpan.FromSeconds(seconds + 30);
        var entries = new List<MessageCalibration>();
        foreach (var size in sizes)
        {
            var line = await child.ReadLineAsync($"its {size}-byte figures", perSize, cancellationToken);
            entries.Add(Parse(line, MessageCalibration.BetweenProcesses, kind.Kind, name) with { Ipc = ipc });
        }

        await child.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return entries;
    }

    /// <summary>One line of an <c>ipc-bench</c> (or a thread hand-off): {"ipc", "payloadBytes", "roundTrips", "oneWayMicros", "senderCpuMicros", "receiverCpuMicros"}.</summary>
    public static MessageCalibration Parse(string line, string between, string kind, string source)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("roundTrips").GetInt64() <= 0)
            {
                throw new InvalidOperationException($"{source} made no round trip at {root.GetProperty("payloadBytes").GetInt32()} bytes");
            }

            return new MessageCalibration
            {
                Between = between,
                Kind = kind,
                Ipc = root.GetProperty("ipc").GetString() ?? "",
                PayloadBytes = root.GetProperty("payloadBytes").GetInt32(),
                OneWayMicros = root.GetProperty("oneWayMicros").GetDouble(),
                SenderCpuMicros = root.GetProperty("senderCpuMicros").GetDouble(),
                ReceiverCpuMicros = root.GetProperty("receiverCpuMicros").GetDouble(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException)
        {
            throw new InvalidOperationException($"{source} printed '{line}', not its figures ({e.Message})", e);
        }
    }
}
