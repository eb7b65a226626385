using System.Diagnostics;
using System.Globalization;

namespace ProcessMesh.Worker;

/// <summary>
/// Ends a child process for good: kills it by its PID, with every process it started, reaps it, and removes what the
/// .NET runtime of each left in the temp directory. A .NET process makes a debugger pipe pair
/// (<c>clr-debug-pipe-PID-KEY-in</c>, <c>-out</c>) and a diagnostics socket (<c>dotnet-diagnostic-PID-KEY-socket</c>),
/// KEY being its start time in clock ticks since boot (field 22 of <c>/proc/PID/stat</c>), and removes them only when
/// it exits by itself: killed, it leaves all three behind (a day of os model runs and tests here left 65,000). Shared by
/// source with the grains, which start the os model's workers; the worker uses it for the peers it starts.
/// </summary>
internal static class Reaper
{
    private static readonly TimeSpan _reap = TimeSpan.FromSeconds(10);

    /// <summary>Kills <paramref name="process"/> and its descendants if they still run, reaps it, and removes their runtime files.</summary>
    public static void Kill(Process process)
    {
        (int Pid, string? Key)[] tree;
        try
        {
            // Read before the kill: the key names a process's files exactly; once it is gone only a scan of the
            // temp directory finds them.
            tree = [.. new[] { process.Id }.Concat(Descendants(process.Id)).Select(pid => (pid, StartTicks(pid)))];
        }
        catch (InvalidOperationException)
        {
            return; // never started
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(_reap);
        }
        catch (InvalidOperationException)
        {
            // already reaped
        }

        // Its descendants die on their own time once killed (and are reaped by whoever adopted them): files of a
        // process still running are not removed, so wait for each to be gone, a zombie counting as gone.
        var deadline = Stopwatch.GetTimestamp() + (long)(_reap.TotalSeconds * Stopwatch.Frequency);
        foreach (var (pid, key) in tree)
        {
            while (StartTicks(pid) is not null && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.Sleep(1);
            }

            if (key is null)
            {
                RemoveRuntimeFiles(pid);
            }
            else if (StartTicks(pid) != key)
            {
                var directory = Path.GetTempPath();
                foreach (var name in new[] { $"clr-debug-pipe-{pid}-{key}-in", $"clr-debug-pipe-{pid}-{key}-out", $"dotnet-diagnostic-{pid}-{key}-socket" })
                {
                    Delete(Path.Combine(directory, name));
                }
            }
        }
    }

    /// <summary>
    /// Removes the runtime files of process <paramref name="pid"/> once it is gone: each file named with that PID whose
    /// KEY is not the start time of a process running under that PID now (the PID taken again by another process).
    /// It reads the whole temp directory: <see cref="Kill"/> names the files exactly when it saw the process alive.
    /// </summary>
    public static void RemoveRuntimeFiles(int pid)
    {
        var live = StartTicks(pid);
        foreach (var (file, key) in RuntimeFiles(pid))
        {
            if (key != live)
            {
                Delete(file);
            }
        }
    }

    private static void Delete(string file)
    {
        try
        {
            File.Delete(file); // nothing when it is not there
        }
        catch (IOException)
        {
            // another reaper was first
        }
        catch (UnauthorizedAccessException)
        {
            // not ours
        }
    }

    /// <summary>The runtime files in the temp directory named with <paramref name="pid"/>, each with the KEY in its name.</summary>
    public static List<(string Path, string Key)> RuntimeFiles(int pid)
    {
        var directory = Path.GetTempPath();
        var found = new List<(string, string)>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, $"clr-debug-pipe-{pid}-*").Concat(Directory.EnumerateFiles(directory, $"dotnet-diagnostic-{pid}-*")))
            {
                var parts = Path.GetFileName(file).Split('-');
                // clr-debug-pipe-PID-KEY-in|out: KEY is the fifth part; dotnet-diagnostic-PID-KEY-socket: the fourth.
                if ((parts[0] == "clr" ? parts.ElementAtOrDefault(4) : parts.ElementAtOrDefault(3)) is { } key)
                {
                    found.Add((file, key));
                }
            }
        }
        catch (IOException)
        {
            // no temp directory
        }

        return found;
    }

    /// <summary>
    /// The start time (clock ticks since boot, as the runtime names its files) of the process running as
    /// <paramref name="pid"/>; null when none does (a zombie has ended: it only waits to be reaped).
    /// </summary>
    public static string? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // pid (comm) state ppid …: the command may hold spaces and parentheses; the fields after its last ')' start at field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && fields[0] != "Z" ? fields[19] : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every process below <paramref name="pid"/> now (from each of its threads' <c>children</c> in /proc).</summary>
    public static List<int> Descendants(int pid)
    {
        var found = new List<int>();
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var parent))
        {
            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories($"/proc/{parent.ToString(CultureInfo.InvariantCulture)}/task");
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var task in tasks)
            {
                string children;
                try
                {
                    children = File.ReadAllText(Path.Combine(task, "children"));
                }
                catch (IOException)
                {
                    continue;
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(child, CultureInfo.InvariantCulture, out var id) && !found.Contains(id))
                    {
                        found.Add(id);
                        pending.Push(id);
                    }
                }
            }
        }

        return found;
    }
}
