using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// The machine-readable document: <c>runs</c> always; <c>isolation</c> (memory per worker count) and
/// <c>handOff</c> (time per message) when a comparison has both process and thread; <c>failures</c> when a
/// point failed; <c>changes</c> when a report is read against a baseline; <c>heap</c> for a sweep.
/// </summary>
internal sealed record Report(
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<IsolationCost>? Isolation = null,
    IReadOnlyList<string>? Failures = null,
    IReadOnlyList<FigureChange>? Changes = null,
    SweepHeap? Heap = null,
    HandOffCost? HandOff = null);
