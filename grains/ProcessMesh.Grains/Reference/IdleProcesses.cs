using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;
using ProcessMesh.Grains.Engines.Os;

namespace ProcessMesh.Grains.Reference;

/// <summary>
/// Real OS processes of a reference runtime, started idle on this machine (<see cref="ChildProcess"/>), their resident
/// memory read from /proc (<see cref="ProcMemory"/>). Each child prints one line when it is ready, then waits for its
/// standard input to close; every one is stopped, and killed by its PID if it does not stop, before the measurement returns.
/// </summary>
internal static class IdleProcesses
{
    private static readonly TimeSpan _ready = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _grace = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="count"/> idle processes at once, reads each one's memory, and stops them.</summary>
    public static async Task<IReadOnlyList<IdleFootprint>> MeasureAsync(string name, string executable, IReadOnlyList<string> arguments, int count, CancellationToken cancellationToken)
    {
        var children = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo(executable);
                foreach (var arg in arguments)
                {
                    start.ArgumentList.Add(arg);
                }

                children.Add(ChildProcess.Start(start, $"an idle {name} process ({i + 1} of {count})"));
            }

            var resident = new List<IdleFootprint>();
            foreach (var child in children)
            {
                await child.ExpectAsync("ready", _ready, cancellationToken);
                resident.Add(Read(child.Id));
            }

            await Task.WhenAll(children.Select(c => c.StopAsync(_grace)));
            return resident;
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    /// <summary>One process's resident memory.</summary>
    private static IdleFootprint Read(int pid)
    {
        var rss = ProcMemory.ResidentBytes(pid);
        return rss > 0 ? new IdleFootprint { RssBytes = rss, PssBytes = ProcMemory.PssBytes(pid) is > 0 and var pss ? pss : null }
            : throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS (the process is gone)");
    }
}
