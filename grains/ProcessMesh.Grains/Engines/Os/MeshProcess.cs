using System.Globalization;
using System.Threading.Channels;
using ProcessMesh.Worker;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>
/// One <c>ProcessMesh.Worker mesh</c> process of an os run, seen from the silo: its control lines (stdout, read as
/// they come), the last lines of its stderr (for a failure message), and its kill by PID on dispose.
/// </summary>
internal sealed class MeshProcess : IDisposable
{
    private const int StderrLines = 4;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Queue<string> _stderr = new();
    private readonly System.Diagnostics.Process _process;

    private MeshProcess(int index, System.Diagnostics.Process process)
    {
        Index = index;
        _process = process;
        Pid = process.Id;
        _ = Task.Run(ReadOutputAsync);
        _ = Task.Run(ReadErrorAsync);
    }

    /// <summary>The worker's index in the run.</summary>
    public int Index { get; }

    /// <summary>Its process id.</summary>
    public int Pid { get; }

    /// <summary>Starts worker <paramref name="index"/> with <paramref name="args"/>.</summary>
    public static MeshProcess Start(int index, IEnumerable<string> args) =>
        new(index, System.Diagnostics.Process.Start(WorkerExecutable.StartInfo(args)) ?? throw new InvalidOperationException($"worker {index} did not start"));

    /// <summary>The next control line, or null once the worker's stdout closed (it exited or was killed).</summary>
    public async Task<string?> NextLineAsync(CancellationToken cancel)
    {
        return await _lines.Reader.WaitToReadAsync(cancel) && _lines.Reader.TryRead(out var line) ? line : null;
    }

    /// <summary>The next line, which must start with <paramref name="verb"/>; its rest.</summary>
    public async Task<string> ExpectAsync(string verb, CancellationToken cancel)
    {
        var line = await NextLineAsync(cancel) ?? throw new WorkerLostException(this, $"before it said '{verb}'");
        return line == verb ? "" : line.StartsWith(verb + " ", StringComparison.Ordinal)
            ? line[(verb.Length + 1)..]
            : throw new InvalidDataException($"worker {Index} said '{line}' where '{verb}' was due");
    }

    /// <summary>Writes one control line to the worker; false when it can no longer read (it died).</summary>
    public async Task<bool> SendAsync(string line)
    {
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>How the worker ended, in a few words: its exit (or signal) and the last of its stderr.</summary>
    public string Describe()
    {
        var exit = "";
        try
        {
            if (_process.WaitForExit(TimeSpan.FromSeconds(1)))
            {
                exit = _process.ExitCode > 128 ? $" (killed by signal {_process.ExitCode - 128})" : $" (exit code {_process.ExitCode})";
            }
        }
        catch (InvalidOperationException)
        {
            // already reaped
        }

        string[] tail;
        lock (_stderr)
        {
            tail = [.. _stderr];
        }

        return string.Create(CultureInfo.InvariantCulture, $"worker process {Index} (pid {Pid}) ended{exit}{(tail.Length == 0 ? "" : ": " + string.Join(" | ", tail))}");
    }

    /// <summary>Its resident set and Pss now, bytes (from /proc; 0 when it is gone).</summary>
    public (long Resident, long Pss) Memory() => (ProcMemory.ResidentBytes(Pid), ProcMemory.PssBytes(Pid));

    /// <summary>Kills the worker by its PID if it still runs, and reaps it.</summary>
    public void Dispose()
    {
        Reaper.Kill(_process);
        _process.Dispose();
    }

    private async Task ReadOutputAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Writer.TryWrite(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process was killed and disposed while we read
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }

    private async Task ReadErrorAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Enqueue(line.Trim());
                    while (_stderr.Count > StderrLines)
                    {
                        _stderr.Dequeue();
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process was killed and disposed while we read
        }
    }
}

/// <summary>A worker process ended (or closed its output) before it said what was due.</summary>
internal sealed class WorkerLostException(MeshProcess worker, string when) : Exception($"{worker.Describe()} {when}");

/// <summary>One worker's <c>done</c> line (<see cref="MeshProtocol"/>).</summary>
internal sealed record MeshReport(ulong Answer, long Messages, long PayloadBytes, long Sent, long Delivered, long Units, double CpuSeconds, byte[] Histogram, string? Failure)
{
    /// <summary>Reads the rest of a <c>done</c> line.</summary>
    public static MeshReport Parse(string rest)
    {
        var f = rest.Split(' ', 9);
        var c = CultureInfo.InvariantCulture;
        return new MeshReport(
            ulong.Parse(f[0], c), long.Parse(f[1], c), long.Parse(f[2], c), long.Parse(f[3], c), long.Parse(f[4], c), long.Parse(f[5], c),
            double.Parse(f[6], c) / 1e6, f[7] == "-" ? [] : Convert.FromBase64String(f[7]), f.Length > 8 ? f[8] : null);
    }
}
