using System.Diagnostics;
using ProcessMesh.Worker;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// A child process the silo starts to measure with (a calibration's benchmarks, the CPython reference's script and
/// idle interpreters), talking on its standard input and output: the one owner of those children. Every one carries
/// <see cref="OwnerVariable"/>, and is killed (by its PID, with its own children) when disposed unless it has already
/// exited, so none outlives the measurement.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly Queue<string> _errors = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>
    /// Environment variable every child started here carries (and passes on to the processes it starts): the PID of
    /// the process that started it, so a leftover can be found in the process table. (Its name is older than the
    /// reference's children, which carry it too.)
    /// </summary>
    public const string OwnerVariable = "PROCESSMESH_CALIBRATION_OWNER";

    /// <summary>The child's PID.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="start"/> with its standard streams redirected; <paramref name="name"/> names it in errors.</summary>
    public static ChildProcess Start(ProcessStartInfo start, string name)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment[OwnerVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name} ({start.FileName})");
        var child = new ChildProcess(process, name);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (child._errors)
                {
                    child._errors.Enqueue(line);
                    if (child._errors.Count > 5)
                    {
                        child._errors.Dequeue();
                    }
                }
            }
        };
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Writes one line to the child's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The child's next line of output; a child that ends or stays silent past <paramref name="timeout"/> is an error naming <paramref name="waitingFor"/>.</summary>
    public async Task<string> ReadLineAsync(string waitingFor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{_name} did not print {waitingFor} within {timeout.TotalSeconds:0} s");
        }

        return line ?? throw new InvalidOperationException($"{_name} ended before it printed {waitingFor}{Errors()}");
    }

    /// <summary>Reads the next line and checks that it is <paramref name="expected"/>.</summary>
    public async Task ExpectAsync(string expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync($"'{expected}'", timeout, cancellationToken);
        if (line.Trim() != expected)
        {
            throw new InvalidOperationException($"{_name} printed '{line}' instead of '{expected}'{Errors()}");
        }
    }

    /// <summary>Closes the child's standard input (an idle child exits then) and waits up to <paramref name="grace"/> for it to exit.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        try
        {
            _process.StandardInput.Close();
            using var limit = new CancellationTokenSource(grace);
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Dispose kills what did not exit in time.
        }
    }

    /// <summary>Waits for the child to exit by itself; past <paramref name="timeout"/> it is an error naming what it was doing.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{_name} did not finish within {timeout.TotalSeconds:0} s");
        }

        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{_name} failed (exit {_process.ExitCode}){Errors()}");
        }
    }

    /// <summary>
    /// Everything the child prints on its standard output until it exits (its standard input closed: it reads
    /// nothing); a child that fails or runs past <paramref name="timeout"/> is an error, as <see cref="WaitForExitAsync"/> says.
    /// </summary>
    public async Task<string> OutputAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _process.StandardInput.Close();
        var output = _process.StandardOutput.ReadToEndAsync(cancellationToken);
        await WaitForExitAsync(timeout, cancellationToken);
        return await output;
    }

    /// <summary>Kills the child and its children unless it has exited (and removes what a .NET child left in the temp directory), then lets go of it.</summary>
    public void Dispose()
    {
        Reaper.Kill(_process);
        _process.Dispose();
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.Count == 0 ? "" : $": {string.Join(" | ", _errors)}";
        }
    }
}
