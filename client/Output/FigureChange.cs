using System.Globalization;
using System.Text.Json.Serialization;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>The unit a figure is printed in, as the results table prints it.</summary>
internal enum FigureUnit
{
    /// <summary>Per second, with k/M/G: 1.93 M.</summary>
    Rate,

    /// <summary>Seconds: 0.540.</summary>
    Seconds,

    /// <summary>Microseconds: 1,323.0.</summary>
    Micros,

    /// <summary>Bytes, KiB, MiB: 8 KiB.</summary>
    Bytes,

    /// <summary>A fraction as a percentage: 97 %.</summary>
    Percent,

    /// <summary>A multiple: 1.60×.</summary>
    Ratio,
}

/// <summary>
/// One figure of one point, in a baseline run and in this one, and whether the change is beyond the run-to-run
/// spread (<see cref="Running.Noise"/>): a figure whose repeats' bands overlap has not changed measurably.
/// </summary>
internal sealed record FigureChange(string Point, string Figure, double Baseline, double Current, Difference Noise = Difference.NoSpread, FigureUnit Unit = FigureUnit.Rate)
{
    /// <summary>The change in percent of the baseline (null when the baseline is zero).</summary>
    public double? ChangePercent => Baseline != 0 ? (Current - Baseline) / Baseline * 100 : null;

    /// <summary>The baseline in the figure's unit.</summary>
    [JsonIgnore]
    public string BaselineText => Format(Baseline, Unit);

    /// <summary>This run's figure in its unit.</summary>
    [JsonIgnore]
    public string CurrentText => Format(Current, Unit);

    /// <summary>"+1.2 %", or empty when the baseline is zero.</summary>
    [JsonIgnore]
    public string ChangeText => ChangePercent is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p:+0.0;-0.0;0.0} %") : "";

    /// <summary>"beyond noise", "within noise" or "no spread".</summary>
    [JsonIgnore]
    public string NoiseText => Running.Noise.Describe(Noise);

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
            void Add(string figure, FigureUnit unit, double? a, double? b, Sample? spreadThen = null, Sample? spreadNow = null)
            {
                if (a is { } x && b is { } y)
                {
                    var noise = spreadThen is { } s1 && spreadNow is { } s2 ? Running.Noise.Compare(s1, s2) : Difference.NoSpread;
                    changes.Add(new FigureChange(point, figure, x, y, noise, unit));
                }
            }

            // Throughput and wall time carry their repeats' range; the other figures are one reading of the
            // median repeat, so their spread is unknown and they say so.
            Add("throughput/s", FigureUnit.Rate, then.Throughput, now.Throughput, Sample.Throughput(then), Sample.Throughput(now));
            if (now.Grains is null)
            {
                Add("wall s", FigureUnit.Seconds, then.WallSeconds, now.WallSeconds, Sample.Wall(then), Sample.Wall(now));
            }

            Add("p50 µs", FigureUnit.Micros, then.Latency.P50, now.Latency.P50);
            Add("p99 µs", FigureUnit.Micros, then.Latency.P99, now.Latency.P99);
            Add("p99.9 µs", FigureUnit.Micros, then.Latency.P999, now.Latency.P999);
            Add("memory/worker", FigureUnit.Bytes, then.MemoryPerWorkerBytes, now.MemoryPerWorkerBytes);
            Add("cpu", FigureUnit.Percent, then.CpuUtilisation, now.CpuUtilisation);
            Add("activation/s", FigureUnit.Rate, then.ActivationRate, now.ActivationRate);
            Add("speedup", FigureUnit.Ratio, then.Speedup, now.Speedup);
        }

        return changes;
    }

    /// <summary>A figure in <paramref name="unit"/>, as the results table prints it.</summary>
    public static string Format(double value, FigureUnit unit) => unit switch
    {
        FigureUnit.Rate => value switch
        {
            >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e9:0.##} G"),
            >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e6:0.##} M"),
            >= 1e4 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:0.#} k"),
            _ => value.ToString("0.#", CultureInfo.InvariantCulture),
        },
        FigureUnit.Seconds => value.ToString("0.000", CultureInfo.InvariantCulture),
        FigureUnit.Micros => value.ToString("N1", CultureInfo.InvariantCulture),
        FigureUnit.Bytes => Bytes.Format(value),
        FigureUnit.Percent => string.Create(CultureInfo.InvariantCulture, $"{value * 100:0} %"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:0.00}×"),
    };

    /// <summary>A point's name in tables: what ran, with its sizes.</summary>
    public static string Label(RunResult r) => r.Grains is { } grains
        ? $"{r.Model} {grains:N0} grains ×{r.Concurrency}, {Bytes.Format(r.PayloadBytesPerMessage)}"
        : $"{r.Model} {r.Workload} ×{r.Workers}, {Bytes.Format(r.PayloadBytesPerMessage)}, {r.Granularity:N0}/msg";

    /// <summary>
    /// What names a point in both runs: its inputs (how a process worker was a process among them: an emulated
    /// dotnet and an emulated python run of one workload are two points). A load record's work is the calls it
    /// completed, an outcome that differs from run to run, so it is not part of a load point's name.
    /// </summary>
    private static string Key(RunResult r) =>
        $"{r.Model}|{r.Workload}|{r.Grains}|{r.Concurrency}|{r.Workers}|{r.PayloadBytesPerMessage}|{r.Granularity}|{r.Sync}|{r.MemoryBytesRequested}|{(r.Grains is null ? r.Work : null)}|{r.LoadMode}|{r.Path}" +
        $"|{(r.Emulate is null or Emulation.Grain ? null : r.Emulate)}|{r.Ipc}|{(r.Footprint == Emulation.Modelled ? r.Footprint : null)}";
}
