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
    /// <summary>
    /// What a message over <paramref name="ipc"/> costs between two processes of <paramref name="kind"/>, at each of
    /// <paramref name="sizes"/>, each measured for its own of <paramref name="seconds"/> (one a size; the pair's warm-up
    /// before the first size is as long as half the first size's time, up to half a second).
    /// </summary>
    public static async Task<IReadOnlyList<MessageCalibration>> RunAsync(
        ProcessKind kind, string ipc, IReadOnlyList<int> sizes, IReadOnlyList<double> seconds, CancellationToken cancellationToken)
    {
        if (seconds.Count != sizes.Count)
        {
            throw new ArgumentException($"{seconds.Count} times for {sizes.Count} sizes", nameof(seconds));
        }

        var name = $"{kind.Label} ipc-bench --ipc {ipc}";
        using var child = ChildProcess.Start(kind.Start(
            ["ipc-bench", "--ipc", ipc, "--sizes", string.Join(',', sizes), "--seconds", string.Join(',', seconds.Select(s => s.ToString(CultureInfo.InvariantCulture)))]), name);
        var entries = new List<MessageCalibration>();
        foreach (var (size, time) in sizes.Zip(seconds))
        {
            // Each size runs for its time after a short warm-up; a 1 MiB round trip can take milliseconds on a loaded machine.
            var line = await child.ReadLineAsync($"its {size}-byte figures", TimeSpan.FromSeconds(time + 30), cancellationToken);
            entries.Add(Parse(line, MessageCalibration.BetweenProcesses, kind.Kind, name) with { Ipc = ipc });
        }

        await child.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return entries;
    }

    /// <summary>
    /// A quiet pair's figure from its samples (since format 8, each kind's 8 B over its first IPC, sampled at moments
    /// spread over the calibration, <see cref="CalibrationPlan.QuietSamples"/>): one way, the sender's and the
    /// receiver's CPU each the median of the samples' (<see cref="Samples.Median"/>, the crowd's rule), so a spell in
    /// which the VM ran the pair slow or fast decides none of them.
    /// </summary>
    public static MessageCalibration OfSamples(IReadOnlyList<MessageCalibration> samples)
    {
        if (samples.Count == 0)
        {
            throw new InvalidOperationException("no sample of a quiet pair to take its figures from");
        }

        var first = samples[0];
        if (samples.Any(s => (s.Between, s.Kind, s.Ipc, s.PayloadBytes) != (first.Between, first.Kind, first.Ipc, first.PayloadBytes)))
        {
            throw new InvalidOperationException($"the quiet samples are not all of {first.Kind} over {first.Ipc} at {first.PayloadBytes} bytes");
        }

        return first with
        {
            OneWayMicros = Math.Round(Samples.Median(samples, s => s.OneWayMicros), 3),
            SenderCpuMicros = Math.Round(Samples.Median(samples, s => s.SenderCpuMicros), 3),
            ReceiverCpuMicros = Math.Round(Samples.Median(samples, s => s.ReceiverCpuMicros), 3),
        };
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
