using System.Diagnostics;
using System.Globalization;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Grains.Reference;

/// <summary>Runs one experiment of the scenarios' CPython reference script in a child process (<see cref="ChildProcess"/>), killed if it outlives its call.</summary>
internal static class PythonScript
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(120);

    /// <summary>The JSON the script printed for <paramref name="experiment"/>.</summary>
    public static async Task<string> RunAsync(PythonPresence python, string experiment, int repeats, double? minSeconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(python.Executable!);
        string[] args = [python.Script, experiment, "--repeats", repeats.ToString(CultureInfo.InvariantCulture)];
        if (minSeconds is { } min)
        {
            args = [.. args, "--min-seconds", min.ToString(CultureInfo.InvariantCulture)];
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var child = ChildProcess.Start(start, $"python3 {Path.GetFileName(python.Script)} {experiment}");
        return await child.OutputAsync(_timeout, cancellationToken);
    }
}
