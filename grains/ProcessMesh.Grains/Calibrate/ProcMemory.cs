using System.Globalization;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// One OS process's resident memory, read from /proc (Linux): VmRSS from /proc/PID/status (every page the process
/// maps, shared libraries included) and, where the kernel offers it, Pss from /proc/PID/smaps_rollup (shared pages
/// divided among the processes that share them).
/// </summary>
public static class ProcMemory
{
    /// <summary>Reads process <paramref name="pid"/>: its resident set, and its Pss or null when the kernel does not say.</summary>
    public static (long RssBytes, long? PssBytes) Read(int pid)
    {
        var rss = Field(File.ReadLines($"/proc/{pid}/status"), "VmRSS:") ?? throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS");
        var rollup = $"/proc/{pid}/smaps_rollup";
        long? pss = null;
        try
        {
            pss = File.Exists(rollup) ? Field(File.ReadLines(rollup), "Pss:") : null;
        }
        catch (UnauthorizedAccessException)
        {
        }

        return (rss, pss);
    }

    /// <summary>This process's resident set, bytes (VmRSS; the runtime's working set where /proc is absent).</summary>
    public static long SelfResident() =>
        File.Exists("/proc/self/status") ? Field(File.ReadLines("/proc/self/status"), "VmRSS:") ?? Environment.WorkingSet : Environment.WorkingSet;

    /// <summary>A "Name:  1234 kB" line's value in bytes.</summary>
    private static long? Field(IEnumerable<string> lines, string name)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        var parts = line?[name.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: > 0 } && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
    }
}
