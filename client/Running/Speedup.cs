using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// Speedup and efficiency: this throughput over that of one worker of the same model and sizes. The one owner
/// of when they mean something: not for pingpong and ring, where one worker is a different experiment.
/// </summary>
internal static class Speedup
{
    /// <summary>Why a workload (as the cluster's catalog describes it) has no speedup, or null when it has one.</summary>
    public static string? WhyNone(WorkloadInfo? workload) => workload is null ? null : WhyNone(workload.Name, workload.HasSpeedup);

    /// <summary>Why the workload of a record has no speedup, or null when it has one: the record says (<see cref="RunResult.SpeedupApplies"/>).</summary>
    public static string? WhyNone(RunResult run) => WhyNone(run.Workload, run.SpeedupApplies);

    private static string? WhyNone(string workload, bool hasSpeedup) => hasSpeedup ? null : workload switch
    {
        "pingpong" => "no speedup for pingpong: with one worker it is a self-ping, a different experiment; compare throughput.",
        "ring" => "no speedup for ring: the token is serial by design, so one worker is not a reference; compare throughput.",
        _ => $"no speedup for {workload}: one worker is a different experiment; compare throughput.",
    };

    /// <summary>Each result with its speedup and efficiency against the one-worker result of the same model and sizes.</summary>
    public static List<RunResult> With(IEnumerable<RunResult> results)
    {
        var list = results.ToList();
        return [.. list.Select(r =>
        {
            var baseline = WhyNone(r) is null ? list.FirstOrDefault(b => b.Workers == 1 && SameExperiment(b, r)) : null;
            if (baseline is null || baseline.Throughput <= 0)
            {
                return r;
            }

            // Throughput, not wall time: the same as time over time when both did the same work, and still right
            // when a workload's default work grows with its workers.
            var speedup = r.Throughput / baseline.Throughput;
            return r with { Speedup = speedup, Efficiency = speedup / r.Workers };
        })];
    }

    private static bool SameExperiment(RunResult a, RunResult b) =>
        a.Model == b.Model && a.Workload == b.Workload && a.Granularity == b.Granularity && a.Sync == b.Sync &&
        a.PayloadBytesPerMessage == b.PayloadBytesPerMessage && a.MemoryBytesRequested == b.MemoryBytesRequested;
}
