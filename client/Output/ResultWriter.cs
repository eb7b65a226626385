using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProcessMesh.Contracts;
using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>Writes a <see cref="Report"/> as a table for people, or JSON or CSV for scripts.</summary>
internal static class ResultWriter
{
    /// <summary>The JSON contract: camelCase, times in seconds, latencies in microseconds.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes <paramref name="report"/> in <paramref name="format"/>.</summary>
    public static void Write(Report report, OutputFormat format, TextWriter writer)
    {
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(JsonSerializer.Serialize(report, Json));
                break;
            case OutputFormat.Csv:
                WriteCsv(report.Runs, writer);
                break;
            default:
                WriteTable(report, writer);
                break;
        }
    }

    /// <summary>The format a file's extension asks for, or <paramref name="fallback"/>.</summary>
    public static OutputFormat FormatFor(string path, OutputFormat fallback) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => OutputFormat.Json,
        ".csv" => OutputFormat.Csv,
        ".txt" => OutputFormat.Table,
        _ => fallback,
    };

    private static void WriteTable(Report report, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = writer == Console.Out && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = writer == Console.Out && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (writer != Console.Out || Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        var runs = report.Runs;
        if (runs.Any(r => r.Grains is not null))
        {
            console.Write(LoadTable(runs));
        }
        else if (runs.Count > 0)
        {
            console.Write(RunTable(runs));
        }

        if (runs.Count > 0)
        {
            var first = runs[0];
            var m = first.Machine;
            console.MarkupLine(Markup.Escape(
                $"Measured on {m.Cores} cores, {Bytes.Format(m.MemoryBytes)}, {m.Gc} GC, {first.Silos} silo(s), .NET {m.Runtime}; " +
                $"median of {first.Repeats} repeat(s){(first.Grains is null ? "; speedup against 1 worker of the same model" : "")}."));
        }

        if (report.Isolation is { Count: > 0 } isolation)
        {
            var cost = new Table().Border(TableBorder.Rounded).Title("The cost of isolation: process against thread");
            foreach (var column in new[] { "workers", "process s", "thread s", "process messages", "extra µs / message", "extra memory / worker" })
            {
                cost.AddColumn(new TableColumn(column) { Alignment = Justify.Right });
            }

            foreach (var c in isolation)
            {
                cost.AddRow(
                    c.Workers.ToString(CultureInfo.InvariantCulture),
                    $"{c.ProcessWallSeconds:0.000}",
                    $"{c.ThreadWallSeconds:0.000}",
                    Si(c.ProcessMessages),
                    c.ExtraMicrosecondsPerMessage is { } us ? $"{us:0.00}" : "no messages",
                    Bytes.Format(c.ExtraBytesPerWorker));
            }

            console.Write(cost);
        }

        if (report.Changes is { Count: > 0 } changes)
        {
            console.Write(FigureChange.Table(changes));
        }

        if (report.Heap is { } heap)
        {
            console.WriteLine(heap.Describe());
        }

        foreach (var failure in report.Failures ?? [])
        {
            console.MarkupLine($"[red]failed:[/] {Markup.Escape(failure)}");
        }
    }

    private static Table RunTable(IReadOnlyList<RunResult> runs)
    {
        var first = runs[0];
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{first.Workload}: {first.Work:N0} units, {first.Granularity:N0} per message"));
        // A sweep varies more than workers: show the dimensions that vary, so every row names its point.
        var payloads = runs.Select(r => r.PayloadBytesPerMessage).Distinct().Count() > 1;
        var granularities = runs.Select(r => r.Granularity).Distinct().Count() > 1;
        foreach (var column in new[] { "model", "workers", payloads ? "payload" : null, granularities ? "units/msg" : null, "wall s", "spread s", "speedup", "eff.", "throughput/s", "messages", "mem/worker", "cpu", "p50 µs", "p99 µs", "answer" })
        {
            if (column is not null)
            {
                table.AddColumn(new TableColumn(column) { Alignment = column is "model" or "answer" ? Justify.Left : Justify.Right });
            }
        }

        foreach (var r in runs)
        {
            string?[] cells =
            [
                Markup.Escape(r.Sync is null ? r.Model : $"{r.Model} ({r.Sync})"),
                r.Workers.ToString(CultureInfo.InvariantCulture),
                payloads ? Bytes.Format(r.PayloadBytesPerMessage) : null,
                granularities ? r.Granularity.ToString("N0", CultureInfo.InvariantCulture) : null,
                $"{r.WallSeconds:0.000}",
                r.Repeats > 1 ? $"{r.WallSecondsMin:0.000}–{r.WallSecondsMax:0.000}" : "",
                r.Speedup is { } s ? $"{s:0.00}×" : "",
                r.Efficiency is { } e ? $"{e:P0}" : "",
                Si(r.Throughput),
                Si(r.Messages),
                Bytes.Format(r.MemoryPerWorkerBytes),
                $"{r.CpuUtilisation:P0}",
                $"{r.Latency.P50:0.0}",
                $"{r.Latency.P99:0.0}",
                Answer(r),
            ];
            table.AddRow(cells.OfType<string>().ToArray());
        }

        return table;
    }

    private static Table LoadTable(IReadOnlyList<RunResult> runs)
    {
        var first = runs[0];
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"load: {first.LoadMode} loop, {first.Path} path, {first.WallSeconds:0.#} s drives"));
        var open = runs.Any(r => r.ServiceLatency is not null);
        foreach (var column in new[] { "model", "grains", "callers", "payload", "calls/s", "spread", "p50 µs", "p99 µs", "p99.9 µs", open ? "p99 from send µs" : null, open ? "send lag p99 µs" : null, "activation/s", "mem/grain", "cpu", "heap before → after", "errors", "timeouts" })
        {
            if (column is not null)
            {
                table.AddColumn(new TableColumn(column) { Alignment = column is "model" ? Justify.Left : Justify.Right });
            }
        }

        foreach (var r in runs)
        {
            string?[] cells =
            [
                Markup.Escape(r.Model),
                $"{r.Grains:N0}",
                r.Concurrency?.ToString(CultureInfo.InvariantCulture) ?? "open",
                Bytes.Format(r.PayloadBytesPerMessage),
                Si(r.Throughput),
                r.ThroughputMin is { } lo && r.ThroughputMax is { } hi && r.Repeats > 1 ? $"{Si(lo)}–{Si(hi)}" : "",
                $"{r.Latency.P50:0.0}",
                $"{r.Latency.P99:0.0}",
                $"{r.Latency.P999:0.0}",
                open ? (r.ServiceLatency is { } service ? $"{service.P99:0.0}" : "") : null,
                open ? (r.SendLag is { } lag ? $"{lag.P99:0.0}" : "") : null,
                r.ActivationRate is { } a ? Si(a) : "",
                r.MemoryPerGrainBytes is { } m ? Bytes.Format(m) : "",
                $"{r.CpuUtilisation:P0}",
                r.HeapBeforeBytes is { } before && r.HeapAfterBytes is { } after ? $"{Bytes.Format(before)} → {Bytes.Format(after)}" : "",
                (r.Errors ?? 0) > 0 ? $"[red]{r.Errors:N0}[/]" : "0",
                (r.Timeouts ?? 0) > 0 ? $"[red]{r.Timeouts:N0}[/]" : "0",
            ];
            table.AddRow(cells.OfType<string>().ToArray());
        }

        return table;
    }

    private static string Answer(RunResult r) =>
        r.Correct ? "[green]correct[/]" : $"[red]wrong[/]{(r.LostUpdates > 0 ? Markup.Escape($" ({r.LostUpdates:N0} lost updates)") : "")}";

    /// <summary>One header row and one row a run; nested records flatten to prefixed columns (latencyP99, machineCores).</summary>
    private static void WriteCsv(IReadOnlyList<RunResult> runs, TextWriter writer)
    {
        var columns = Columns(typeof(RunResult), "").ToList();
        writer.WriteLine(string.Join(',', columns.Select(c => c.Name)));
        foreach (var run in runs)
        {
            writer.WriteLine(string.Join(',', columns.Select(c => Csv(c.Read(run)))));
        }
    }

    private static IEnumerable<(string Name, Func<object, object?> Read)> Columns(Type type, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = prefix.Length == 0 ? JsonNamingPolicy.CamelCase.ConvertName(p.Name) : prefix + p.Name;
            if (p.PropertyType.IsClass && p.PropertyType != typeof(string))
            {
                foreach (var (childName, read) in Columns(p.PropertyType, name))
                {
                    yield return (childName, o => p.GetValue(o) is { } child ? read(child) : null);
                }
            }
            else
            {
                yield return (name, p.GetValue);
            }
        }
    }

    private static string Csv(object? value)
    {
        var text = value switch
        {
            null => "",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\n']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    private static string Si(double value) => FigureChange.Format(value, FigureUnit.Rate);
}

/// <summary>How results are printed.</summary>
internal enum OutputFormat
{
    /// <summary>Tables for people.</summary>
    Table,

    /// <summary>One JSON object with a <c>runs</c> array.</summary>
    Json,

    /// <summary>One header row, one row a run.</summary>
    Csv,
}
