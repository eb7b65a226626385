using System.Diagnostics;

namespace ProcessMesh.Tests.Cli;

/// <summary>Runs the real <c>processmesh</c> program (built beside the tests) as a child process.</summary>
internal static class CliProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Task<Outcome> RunAsync(TimeSpan timeout, params string[] args) => RunInAsync(null, timeout, args);

    /// <summary>Runs it with <paramref name="environment"/> added to its environment.</summary>
    public static Task<Outcome> RunWithAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args) =>
        RunWithAsync(null, environment, timeout, args);

    /// <summary>Runs it with <paramref name="directory"/> as its working directory (relative --out paths land there).</summary>
    public static Task<Outcome> RunInAsync(string? directory, TimeSpan timeout, params string[] args) => RunWithAsync(directory, null, timeout, args);

    /// <summary>Runs it with <paramref name="environment"/> set over this process's (a PATH without python3, ...).</summary>
    public static async Task<Outcome> RunWithAsync(string? directory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            WorkingDirectory = directory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "processmesh.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start processmesh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"processmesh {string.Join(' ', args)} did not exit within {timeout.TotalSeconds} s; stderr: {await stderr}");
        }

        return new Outcome(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The dotnet host, by its full path, so a child given another PATH still starts.</summary>
    private static string Dotnet { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "dotnet")).FirstOrDefault(File.Exists) ?? "dotnet";
}
