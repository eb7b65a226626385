using System.Diagnostics;
using System.Text.Json;
using ProcessMesh.Cli.Running;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// CPython itself, running python/reference.py (shipped beside processmesh) for the scenarios that imitate it.
/// Found as <c>python3</c> on PATH; absent, the scenarios run without a reference row.
/// </summary>
internal sealed class PythonReference(string executable, string script)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(120);

    /// <summary>The python3 executable.</summary>
    public string Executable { get; } = executable;

    /// <summary>The script's path.</summary>
    public string Script { get; } = script;

    /// <summary>python3 and the script, or null (with why, in <paramref name="absent"/>) when either is missing.</summary>
    public static PythonReference? Find(out string? absent)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scenarios", "python", "reference.py");
        var python = Python3.Find();
        absent = python is null ? "python3 is not on PATH: no CPython reference rows"
            : !File.Exists(script) ? $"{script} is missing: no CPython reference rows"
            : null;
        return absent is null ? new PythonReference(python!, script) : null;
    }

    /// <summary>Runs one experiment of the script and returns its JSON.</summary>
    /// <param name="experiment">The script's experiment (gil-cpu, ipc-cost, ...).</param>
    /// <param name="repeats">Timed repeats of each variant.</param>
    /// <param name="sized">Whether the script scales its work until no timed run is under <see cref="ScenarioContext.MinSeconds"/>.</param>
    /// <param name="cancellationToken">Stops it (the child is killed).</param>
    public async Task<JsonElement> RunAsync(string experiment, int repeats, bool sized, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args = [Script, experiment, "--repeats", repeats.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (sized)
        {
            args = [.. args, "--min-seconds", ScenarioContext.MinSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {Path.GetFileName(Script)} {experiment} did not finish within {_timeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 {Path.GetFileName(Script)} {experiment} failed: {(await stderr).Trim().Split('\n').LastOrDefault()}");
        }

        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    /// <summary>A timing the script printed ({"median", "min", "max", "values"}) as a sample.</summary>
    public static Sample Timing(JsonElement figure) =>
        Sample.Of(figure.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
}
