using ProcessMesh.Contracts;
using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// A calibration for people: the machine, what a process and a thread cost to start and to keep, and what a
/// message costs over each IPC at each payload size, fitted to a width like every other table.
/// </summary>
internal static class CalibrationTable
{
    /// <summary>Writes <paramref name="calibration"/> to <paramref name="writer"/> as tables fitted to <paramref name="width"/>.</summary>
    public static void Write(Calibration calibration, TextWriter writer, int width)
    {
        var console = TableFormat.ConsoleFor(writer, width);
        var m = calibration.Machine;
        var python = m.Python is null ? "no python3" : $"CPython {m.Python}";
        console.WriteLine($"Calibration of {m.Name}, measured {calibration.MeasuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC" +
                          $"{(calibration.Quick ? " (quick: start, idle memory, 8 B over a pipe)" : "")}.");
        console.WriteLine($"{m.Cores} cores, {Bytes.Format(m.MemoryBytes)}, {m.Os}, {m.Runtime}, {python}.");

        var (costColumns, costRows) = Costs(calibration);
        var (costs, hiddenCosts) = FittedTable.Build("What a process and a thread cost", costColumns, costRows, width);
        console.Write(costs);
        var (messageColumns, messageRows) = Messages(calibration);
        var (messages, hiddenMessages) = FittedTable.Build("A message: one-way µs (CPU µs, sender + receiver)", messageColumns, messageRows, width);
        console.Write(messages);
        console.WriteLine("start: spawn to the first answered message (a process), start() to running (a thread); medians.");
        console.WriteLine("resident: VmRSS. Pss: /proc/PID/smaps_rollup, shared pages split among their sharers.");
        console.WriteLine("each extra: Pss per process with the most running (what one more process adds).");
        console.WriteLine("A message: half a ping-pong's round trip; CPU per message from each side's own CPU clock.");
        console.WriteLine("Threads hand a message off by copying it into a shared slot and waking the other thread.");
        if (hiddenCosts.Concat(hiddenMessages).ToList() is { Count: > 0 } hidden)
        {
            console.WriteLine($"Also measured ({string.Join(", ", hidden)}): --format json.");
        }
    }

    private static (IReadOnlyList<FittedColumn>, IReadOnlyList<FittedCell[]>) Costs(Calibration calibration)
    {
        var crowds = calibration.Processes.SelectMany(p => p.Crowds).Select(c => c.Running).Where(n => n > 1).Distinct().Order().ToList();
        List<FittedColumn> columns =
        [
            new("", 0, Left: true), new("start", 0), new("resident", 0), new("Pss", 0),
            .. crowds.Select((n, i) => new FittedColumn($"Pss, {n} running", 2 + i)),
            new("each extra", 1),
        ];
        var rows = new List<FittedCell[]>();
        foreach (var p in calibration.Processes)
        {
            rows.Add(
            [
                $"{p.Kind} process", Micros(p.StartMicros), Bytes.Format(p.ResidentBytes), Bytes.Format(p.PssBytes),
                .. crowds.Select(n => p.Crowds.FirstOrDefault(c => c.Running == n) is { } c ? new FittedCell(Bytes.Format(c.PssBytes)) : new FittedCell("")),
                Bytes.Format(p.ResidentBytesPerExtra),
            ]);
        }

        foreach (var t in calibration.Threads)
        {
            rows.Add([$"{t.Kind} thread", Micros(t.StartMicros), Bytes.Format(t.ResidentBytes), "", .. crowds.Select(_ => new FittedCell("")), ""]);
        }

        return (columns, rows);
    }

    private static (IReadOnlyList<FittedColumn>, IReadOnlyList<FittedCell[]>) Messages(Calibration calibration)
    {
        var sizes = calibration.Messages.Select(m => m.PayloadBytes).Distinct().Order().ToList();
        List<FittedColumn> columns = [new("between", 0, Left: true), new("kind", 0, Left: true), new("ipc", 0, Left: true), .. sizes.Select((s, i) => new FittedColumn(Bytes.Format(s), i))];
        var rows = calibration.Messages
            .GroupBy(m => (m.Between, m.Kind, m.Ipc))
            .OrderBy(g => g.Key.Between == MessageCalibration.BetweenThreads).ThenBy(g => g.Key.Kind)
            .Select(g => Row(g.Key, [.. g]))
            .ToList();
        return (columns, rows);

        FittedCell[] Row((string Between, string Kind, string Ipc) key, IReadOnlyList<MessageCalibration> entries) =>
        [
            key.Between, key.Kind, key.Ipc,
            .. sizes.Select(s => entries.FirstOrDefault(m => m.PayloadBytes == s) is { } m
                ? new FittedCell($"{Figure(m.OneWayMicros)} ({Figure(m.SenderCpuMicros)} + {Figure(m.ReceiverCpuMicros)})")
                : new FittedCell("")),
        ];
    }

    /// <summary>A time for people: 40 µs, 1.2 µs, 61.0 ms.</summary>
    private static string Micros(double micros) => micros >= 1000 ? $"{micros / 1000:0.0} ms" : $"{Figure(micros)} µs";

    /// <summary>Three significant figures or so: 0.52, 7.5, 39.8, 932.</summary>
    private static string Figure(double value) => value >= 100 ? $"{value:0}" : value >= 10 ? $"{value:0.0}" : $"{value:0.00}";
}
