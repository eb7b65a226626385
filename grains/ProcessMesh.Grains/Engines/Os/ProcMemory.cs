using System.Globalization;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>What the kernel says one process holds: its resident set (<c>/proc/PID/status</c>) and its Pss (<c>/proc/PID/smaps_rollup</c>).</summary>
public static class ProcMemory
{
    /// <summary>The process's resident set, bytes (VmRSS); 0 when it is gone.</summary>
    public static long ResidentBytes(int pid) => Field($"/proc/{pid}/status", "VmRSS:");

    /// <summary>
    /// The process's proportional set size, bytes: its private pages plus its share of each page it shares with
    /// other processes (the runtime's code, mapped by every worker); 0 when it is gone.
    /// </summary>
    public static long PssBytes(int pid) => Field($"/proc/{pid}/smaps_rollup", "Pss:");

    private static long Field(string path, string name)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    // "VmRSS:     36000 kB"
                    var kb = line[name.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone
        }

        return 0;
    }
}
