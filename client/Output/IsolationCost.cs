using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// What isolation cost at one worker count: the <c>process</c> model against the <c>thread</c> model on the same
/// workload. Extra time per message is the wall-time difference spread over the process model's messages.
/// </summary>
internal sealed record IsolationCost(
    int Workers,
    double ProcessWallSeconds,
    double ThreadWallSeconds,
    long ProcessMessages,
    double? ExtraMicrosecondsPerMessage,
    long ExtraBytesPerWorker)
{
    /// <summary>One cost per worker count at which both models ran.</summary>
    public static IReadOnlyList<IsolationCost> From(IReadOnlyList<RunResult> results) =>
        results.Where(r => r.Model == Models.Process)
            .Select(p => (Process: p, Thread: results.FirstOrDefault(t => t.Model == Models.Thread && t.Workers == p.Workers)))
            .Where(pair => pair.Thread is not null)
            .Select(pair => new IsolationCost(
                pair.Process.Workers,
                pair.Process.WallSeconds,
                pair.Thread!.WallSeconds,
                pair.Process.Messages,
                pair.Process.Messages > 0 ? (pair.Process.WallSeconds - pair.Thread.WallSeconds) * 1e6 / pair.Process.Messages : null,
                pair.Process.MemoryPerWorkerBytes - pair.Thread.MemoryPerWorkerBytes))
            .ToList();
}
