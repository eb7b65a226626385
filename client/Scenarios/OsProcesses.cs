using System.Diagnostics;
using ProcessMesh.Grains.Engines.Os;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// Real OS processes of a reference runtime, started idle, their resident memory read from /proc (Linux):
/// VmRSS from /proc/PID/status (every page the process maps, shared libraries included) and, where the kernel
/// offers it, Pss from /proc/PID/smaps_rollup (shared pages divided among the processes that share them).
/// </summary>
internal static class OsProcesses
{
    /// <summary>What one idle process holds resident, bytes.</summary>
    public sealed record Resident(long RssBytes, long? PssBytes);

    /// <summary>A runtime to start: its executable and arguments; the child prints one line when it is ready, then waits for standard input to close.</summary>
    public sealed record Runtime(string Name, string Executable, IReadOnlyList<string> Arguments);

    /// <summary>CPython: the interpreter started, idle.</summary>
    public static Runtime? Python(PythonReference? python) => python is null ? null
                : new("python3", python.Executable, ["-c", "import sys; print('ready', flush=True); sys.stdin.read()"]);

    /// <summary>Starts <paramref name="count"/> idle processes at once, reads each one's memory, and stops them.</summary>
    public static async Task<IReadOnlyList<Resident>> MeasureAsync(Runtime runtime, int count, CancellationToken cancellationToken)
    {
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo(runtime.Executable) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in runtime.Arguments)
                {
                    start.ArgumentList.Add(arg);
                }

                processes.Add(Process.Start(start) ?? throw new InvalidOperationException($"could not start {runtime.Executable}"));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var resident = new List<Resident>();
            foreach (var process in processes)
            {
                string? line;
                try
                {
                    line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"an idle {runtime.Name} process did not say it was ready within 60 s");
                }

                if (line != "ready")
                {
                    throw new InvalidOperationException($"an idle {runtime.Name} process said '{line}' instead of 'ready': {await process.StandardError.ReadToEndAsync(cancellationToken)}");
                }

                resident.Add(Read(process.Id));
            }

            return resident;
        }
        finally
        {
            foreach (var process in processes)
            {
                try
                {
                    process.StandardInput.Close();
                    if (!process.WaitForExit(5000))
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }

                process.Dispose();
            }
        }
    }

    /// <summary>One process's resident memory.</summary>
    public static Resident Read(int pid)
    {
        var rss = ProcMemory.ResidentBytes(pid);
        return rss > 0 ? new Resident(rss, ProcMemory.PssBytes(pid) is > 0 and var pss ? pss : null)
            : throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS (the process is gone)");
    }
}
