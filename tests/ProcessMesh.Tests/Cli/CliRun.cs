using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using ProcessMesh.Tests.Cluster;
using ProcessMesh.Worker;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// The real <c>processmesh</c> program as a child process the test can watch line by line and signal while it
/// runs; killed on dispose if it is still running (also when the test fails).
/// </summary>
internal sealed class CliRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliRun(Process process) => _process = process;

    /// <summary>How the program ended.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Standard error so far.</summary>
    public string Stderr => string.Join('\n', _stderr);

    /// <summary>The program's dll: the one built beside this assembly, unless set.</summary>
    public static string Program { get; set; } = Path.Combine(AppContext.BaseDirectory, "processmesh.dll");

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>processmesh</c> with <paramref name="args"/>.</summary>
    public static CliRun Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start processmesh");
        var run = new CliRun(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                run._stdoutClosed.TrySetResult();
            }
            else
            {
                run._stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                run._stderrClosed.TrySetResult();
            }
            else
            {
                run._stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits for a line of standard error that matches <paramref name="pattern"/>; fails naming <paramref name="what"/> if the program exits first or <paramref name="timeout"/> passes.</summary>
    public async Task<Match> StderrAsync(string pattern, TimeSpan timeout, string what)
    {
        var regex = new Regex(pattern);
        Match? found = null;
        await Loopback.WaitUntilAsync(
            () =>
            {
                found = _stderr.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success);
                if (found is null && _process.HasExited)
                {
                    throw new InvalidOperationException($"processmesh exited ({_process.ExitCode}) before {what}; stderr:\n{Stderr}");
                }

                return Task.FromResult(found is not null);
            },
            timeout,
            what,
            () => $"stderr:\n{Stderr}");
        return found!;
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, KILL, STOP, CONT) to the program.</summary>
    public void Signal(string signal) => Signals.Send(_process.Id, signal);

    /// <summary>Waits for the program to exit, failing after <paramref name="timeout"/>; its exit code and output.</summary>
    public async Task<Outcome> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"processmesh did not exit within {timeout.TotalSeconds:0} s; stderr:\n{Stderr}");
        }

        return new Outcome(_process.ExitCode, string.Join('\n', _stdout), Stderr);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => Reaper.Kill(_process));
        _process.Dispose();
    }
}
