using ProcessMesh.Cli.Running;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// How the verdicts of a claim's parts combine, and how two verdicts on one claim compare. Each part's verdict
/// comes from the noise rule (<see cref="Noise"/>): a claim on a ratio holds when the whole range its repeats give
/// is on the claim's side of the bound, does not hold when the whole range is on the other side, and is
/// inconclusive when the range reaches the bound or was measured once.
/// </summary>
internal static class Verdicts
{
    /// <summary>A claim made of parts: it holds when every part holds, and fails when any part fails.</summary>
    public static Verdict All(params Verdict[] parts) =>
        parts.Contains(Verdict.DoesNotHold) ? Verdict.DoesNotHold
        : parts.Contains(Verdict.Inconclusive) ? Verdict.Inconclusive
        : Verdict.Holds;

    /// <summary>
    /// The cell of an agreement row: whether the verdict on emulated processes is the verdict on the real processes
    /// measured beside them ("agrees (both: holds)", "disagrees", "cannot tell: real inconclusive"), or that nothing
    /// real was measured.
    /// </summary>
    public static string Agrees(Verdict emulated, Verdict? real) =>
        real is not { } r ? "no real processes measured"
        : emulated == r ? $"agrees (both: {Noise.Describe(r)})"
        : emulated == Verdict.Inconclusive || r == Verdict.Inconclusive ? $"cannot tell: {(emulated == Verdict.Inconclusive ? "emulated" : "real")} inconclusive"
        : "disagrees";

    /// <summary>Whether two verdicts on the same claim (the model's, the interpreter's) agree.</summary>
    public static string Agreement(Verdict model, Verdict interpreter) =>
        model == interpreter ? $"the model agrees with CPython on this machine (both: {Noise.Describe(model)})"
        : model == Verdict.Inconclusive || interpreter == Verdict.Inconclusive ? $"the model ({Noise.Describe(model)}) and CPython ({Noise.Describe(interpreter)}) cannot be compared here: one is inconclusive"
        : $"the model ({Noise.Describe(model)}) disagrees with CPython ({Noise.Describe(interpreter)}) on this machine";
}
