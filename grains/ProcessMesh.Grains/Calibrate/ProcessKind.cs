using System.Diagnostics;
using ProcessMesh.Grains.Engines.Os;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// A kind of OS process that calibration measures: how to start it with arguments, and the IPCs its
/// <c>ipc-bench</c> mode has. Both kinds speak one contract: <c>idle</c> prints <c>ready</c> at once and answers each
/// line <c>ping</c> with <c>pong</c> until its standard input closes; <c>ipc-bench --ipc X --sizes A,B --seconds S[,S]</c>
/// starts its own peer and prints one JSON line a size.
/// </summary>
/// <param name="Kind"><c>dotnet</c> or <c>python</c>.</param>
/// <param name="Label">How progress and errors name it.</param>
/// <param name="Start">The process to start with these arguments.</param>
/// <param name="Ipcs">Its IPCs, the default first.</param>
internal sealed record ProcessKind(string Kind, string Label, Func<IReadOnlyList<string>, ProcessStartInfo> Start, IReadOnlyList<string> Ipcs)
{
    /// <summary>The .NET worker process (<c>ProcessMesh.Worker</c>, beside the grains), with its IPCs.</summary>
    public static ProcessKind DotNet() =>
        new(Contracts.Emulation.DotNet, ".NET", args => WorkerExecutable.StartInfo(args), Contracts.Emulation.IpcsOf(Contracts.Emulation.DotNet));

    /// <summary>CPython running Calibrate/python/calibrate.py, or null when <c>python3</c> is not on PATH.</summary>
    public static ProcessKind? Python()
    {
        if (Python3.Find() is not { } python)
        {
            return null;
        }

        if (!File.Exists(Python3.CalibrationScript))
        {
            throw new InvalidOperationException($"{Python3.CalibrationScript} is missing: the CPython side of the calibration cannot run");
        }

        return new(Contracts.Emulation.Python, "python", args =>
        {
            var start = new ProcessStartInfo(python);
            start.ArgumentList.Add(Python3.CalibrationScript);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            return start;
        }, Contracts.Emulation.IpcsOf(Contracts.Emulation.Python));
    }
}
