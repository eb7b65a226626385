using System.Globalization;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>What the kernel says one process has run: the CPU time of each of its threads (<c>/proc/PID/task/TID/schedstat</c>, nanoseconds), summed.</summary>
public static class ProcCpu
{
    /// <summary>
    /// The CPU time of process <paramref name="pid"/>'s live threads, microseconds (threads that have already exited are
    /// not counted); 0 when it is gone or the kernel keeps no schedstat.
    /// </summary>
    public static double Micros(int pid)
    {
        long nanos = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    // "<ns on CPU> <ns waiting> <slices>"
                    var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    nanos += long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
                {
                    // a thread that ended meanwhile
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone
        }

        return nanos / 1e3;
    }
}
