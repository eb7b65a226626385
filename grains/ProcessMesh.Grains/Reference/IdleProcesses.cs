using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Os;

namespace ProcessMesh.Grains.Reference;

/// <summary>
/// Real OS processes of a reference runtime, started idle on this machine, their resident memory read from /proc
/// (<see cref="ProcMemory"/>). Each child prints one line when it is ready, then waits for its standard input to
/// close; every one is stopped, and killed by its id if it does not stop, before the measurement returns.
/// </summary>
internal static class IdleProcesses
{
    private static readonly TimeSpan _ready = TimeSpan.FromSeconds(60);

    /// <summary>Starts <paramref name="count"/> idle processes at once, reads each one's memory, and stops them.</summary>
    public static async Task<IReadOnlyList<IdleFootprint>> MeasureAsync(string name, string executable, IReadOnlyList<string> arguments, int count, CancellationToken cancellationToken)
    {
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo(executable) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in arguments)
                {
                    start.ArgumentList.Add(arg);
                }

                processes.Add(Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}"));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_ready);
            var resident = new List<IdleFootprint>();
            foreach (var process in processes)
            {
                string? line;
                try
                {
                    line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"an idle {name} process did not say it was ready within {_ready.TotalSeconds:0} s");
                }

                if (line != "ready")
                {
                    throw new InvalidOperationException($"an idle {name} process said '{line}' instead of 'ready': {await process.StandardError.ReadToEndAsync(cancellationToken)}");
                }

                resident.Add(Read(process.Id));
            }

            return resident;
        }
        finally
        {
            await Task.WhenAll(processes.Select(StopAsync));
        }
    }

    /// <summary>One process's resident memory.</summary>
    private static IdleFootprint Read(int pid)
    {
        var rss = ProcMemory.ResidentBytes(pid);
        return rss > 0 ? new IdleFootprint { RssBytes = rss, PssBytes = ProcMemory.PssBytes(pid) is > 0 and var pss ? pss : null }
            : throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS (the process is gone)");
    }

    /// <summary>Closes the child's standard input (it exits), and kills it by its id if it has not within 5 s.</summary>
    private static async Task StopAsync(Process process)
    {
        using (process)
        {
            try
            {
                process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }
}
