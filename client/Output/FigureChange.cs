using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>One figure of one point, in a baseline run and in this one.</summary>
internal sealed record FigureChange(string Point, string Figure, double Baseline, double Current)
{
    /// <summary>The change in percent of the baseline (null when the baseline is zero).</summary>
    public double? ChangePercent => Baseline != 0 ? (Current - Baseline) / Baseline * 100 : null;

    /// <summary>Each figure's change, for the points both result sets measured.</summary>
    public static IReadOnlyList<FigureChange> Compare(IReadOnlyList<RunResult> baseline, IReadOnlyList<RunResult> current)
    {
        var changes = new List<FigureChange>();
        foreach (var now in current)
        {
            var then = baseline.FirstOrDefault(b => Key(b) == Key(now));
            if (then is null)
            {
                continue;
            }

            var point = Label(now);
            void Add(string figure, double? a, double? b)
            {
                if (a is { } x && b is { } y)
                {
                    changes.Add(new FigureChange(point, figure, x, y));
                }
            }

            Add("throughput/s", then.Throughput, now.Throughput);
            Add("wall s", then.WallSeconds, now.WallSeconds);
            Add("p50 µs", then.Latency.P50, now.Latency.P50);
            Add("p99 µs", then.Latency.P99, now.Latency.P99);
            Add("p99.9 µs", then.Latency.P999, now.Latency.P999);
            Add("memory/worker B", then.MemoryPerWorkerBytes, now.MemoryPerWorkerBytes);
            Add("cpu utilisation", then.CpuUtilisation, now.CpuUtilisation);
            Add("activation/s", then.ActivationRate, now.ActivationRate);
            Add("speedup", then.Speedup, now.Speedup);
        }

        return changes;
    }

    /// <summary>A point's name in tables: what ran, with its sizes.</summary>
    public static string Label(RunResult r) => r.Grains is { } grains
        ? $"{r.Model} {grains:N0} grains ×{r.Concurrency}, {Bytes.Format(r.PayloadBytesPerMessage)}"
        : $"{r.Model} {r.Workload} ×{r.Workers}, {Bytes.Format(r.PayloadBytesPerMessage)}, {r.Granularity:N0}/msg";

    /// <summary>
    /// What names a point in both runs: its inputs. A load record's work is the calls it completed, an
    /// outcome that differs from run to run, so it is not part of a load point's name.
    /// </summary>
    private static string Key(RunResult r) =>
        $"{r.Model}|{r.Workload}|{r.Grains}|{r.Concurrency}|{r.Workers}|{r.PayloadBytesPerMessage}|{r.Granularity}|{r.Sync}|{r.MemoryBytesRequested}|{(r.Grains is null ? r.Work : null)}|{r.LoadMode}|{r.Path}";
}
