using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// The ways a worker is a process in the scenarios that answer for emulated processes (memory-footprint, ipc-cost,
/// granularity): a grain (nothing added), an emulated .NET or CPython process (from the calibration), and the real
/// .NET process beside them (<c>--model os</c>), every one over a pipe.
/// </summary>
internal static class AsProcess
{
    /// <summary>The IPC every emulated and real process in these scenarios talks over.</summary>
    public const string Ipc = "pipe";

    /// <summary>The emulation profiles measured here: grain and dotnet, and python when python3 (which the calibration measured) is present.</summary>
    public static IReadOnlyList<string> Profiles(ScenarioContext context) =>
        context.Python is null ? [Emulation.Grain, Emulation.DotNet] : [Emulation.Grain, Emulation.DotNet, Emulation.Python];

    /// <summary>
    /// <paramref name="spec"/> run by process workers paying what <paramref name="profile"/> costs. With
    /// <paramref name="held"/> false (figures of time, which neither the footprint nor the start outside the clock
    /// changes), the footprint is modelled, not allocated, and the start not burned: the run costs the machine less.
    /// </summary>
    public static RunSpec Emulated(RunSpec spec, string profile, bool held = true) => spec with
    {
        Model = Models.Process,
        Emulate = profile,
        Ipc = profile == Emulation.Grain ? null : Ipc,
        Footprint = held || profile == Emulation.Grain ? Emulation.Held : Emulation.Modelled,
    };

    /// <summary><paramref name="spec"/> run by real .NET worker processes over a real pipe.</summary>
    public static RunSpec Real(RunSpec spec) => spec with { Model = Models.Os, Ipc = Ipc };

    /// <summary>How a row names a profile: "grain", "emulated dotnet".</summary>
    public static string Label(string profile) => profile == Emulation.Grain ? "process as grain" : $"emulated {profile}";
}
