using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// The machine-readable document: <c>runs</c> always; <c>isolation</c> (memory per worker count) and
/// <c>handOff</c> (time per message) when a comparison has both process and thread; <c>failures</c> when a
/// point failed; <c>changes</c> when a report is read against a baseline; <c>heap</c> for a sweep. A comparison
/// adds <c>processCost</c> and <c>threadCost</c> (what each way of being a process, and a thread, costs) and, when
/// emulated and real processes ran at the same worker counts, <c>emulationError</c>.
/// </summary>
internal sealed record Report(
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<IsolationCost>? Isolation = null,
    IReadOnlyList<string>? Failures = null,
    IReadOnlyList<FigureChange>? Changes = null,
    SweepHeap? Heap = null,
    HandOffCost? HandOff = null,
    IReadOnlyList<ProcessCost>? ProcessCost = null,
    ThreadCost? ThreadCost = null,
    IReadOnlyList<EmulationError>? EmulationError = null);
