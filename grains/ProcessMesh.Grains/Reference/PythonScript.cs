using System.Diagnostics;
using System.Globalization;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Reference;

/// <summary>Runs one experiment of the scenarios' CPython reference script in a child process, killed if it outlives its call.</summary>
internal static class PythonScript
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(120);

    /// <summary>The JSON the script printed for <paramref name="experiment"/>.</summary>
    public static async Task<string> RunAsync(PythonPresence python, string experiment, int repeats, double? minSeconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(python.Executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args = [python.Script, experiment, "--repeats", repeats.ToString(CultureInfo.InvariantCulture)];
        if (minSeconds is { } min)
        {
            args = [.. args, "--min-seconds", min.ToString(CultureInfo.InvariantCulture)];
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var name = $"python3 {Path.GetFileName(python.Script)} {experiment}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python.Executable}");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{name} did not finish within {_timeout.TotalSeconds:0} s");
            }

            return process.ExitCode == 0
                ? await stdout
                : throw new InvalidOperationException($"{name} failed: {(await stderr).Trim().Split('\n').LastOrDefault()}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
