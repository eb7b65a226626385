using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// How far the emulated processes (<c>process</c> with <c>--emulate dotnet|python</c>) are from the real ones
/// (<c>os</c>) at one worker count, each figure as a signed percentage, emulated against real:
/// <c>(emulated − real) / real × 100</c>; null where either record lacks the figure or the real one is zero.
/// Memory per worker compares the emulated record's memory per worker (the calibrated Pss per extra process it
/// holds, plus the grain) against the real processes' Pss per worker (shared pages divided among the processes
/// sharing them), which is what the calibration's footprint measures; resident per worker when no Pss was read.
/// </summary>
internal sealed record EmulationError(
    int Workers,
    double? ThroughputPercent,
    double? SpeedupPercent,
    double? LatencyP50Percent,
    double? LatencyP99Percent,
    double? MemoryPerWorkerPercent)
{
    /// <summary>The error of <paramref name="emulated"/> against <paramref name="real"/> (the same workload and workers).</summary>
    public static EmulationError Of(RunResult emulated, RunResult real) => new(
        real.Workers,
        Percent(emulated.Throughput, real.Throughput),
        Percent(emulated.Speedup, real.Speedup),
        Percent(emulated.Latency.Count > 0 ? emulated.Latency.P50 : null, real.Latency.Count > 0 ? real.Latency.P50 : null),
        Percent(emulated.Latency.Count > 0 ? emulated.Latency.P99 : null, real.Latency.Count > 0 ? real.Latency.P99 : null),
        Percent(emulated.MemoryPerWorkerBytes, RealMemory(real)));

    /// <summary>One error per worker count at which both an emulated process record and an os record ran.</summary>
    public static IReadOnlyList<EmulationError> From(IReadOnlyList<RunResult> runs) =>
        [.. runs.Where(r => r.Model == Models.Process && r.Emulate is Emulation.DotNet or Emulation.Python)
            .Select(e => (Emulated: e, Real: runs.FirstOrDefault(o => o.Model == Models.Os && o.Workers == e.Workers)))
            .Where(pair => pair.Real is not null)
            .Select(pair => Of(pair.Emulated, pair.Real!))
            .OrderBy(e => e.Workers)];

    /// <summary>What the real processes' memory per worker is compared as: Pss per worker, else resident per worker.</summary>
    public static long RealMemory(RunResult real) => real.PssPerWorkerBytes ?? real.MemoryPerWorkerBytes;

    private static double? Percent(double? emulated, double? real) =>
        emulated is { } e && real is { } r && r != 0 && double.IsFinite(e) && double.IsFinite(r) ? (e - r) / r * 100 : null;
}
