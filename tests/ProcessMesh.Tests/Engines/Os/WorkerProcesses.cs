using System.Globalization;
using System.Text;
using ProcessMesh.Grains.Engines.Os;

namespace ProcessMesh.Tests.Engines.Os;

/// <summary>
/// The process table's view of the worker processes this test process owns: every <c>ProcessMesh.Worker</c> started
/// through <see cref="WorkerExecutable"/> here (and every peer those started) carries
/// <see cref="WorkerExecutable.OwnerVariable"/> = this PID in its environment, whoever its parent is now.
/// </summary>
internal static class WorkerProcesses
{
    /// <summary>PIDs of the live (not zombie) worker processes owned by this test process.</summary>
    public static IReadOnlyList<int> Leftovers()
    {
        var marker = $"{WorkerExecutable.OwnerVariable}={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "environ"))).Split('\0');
                if (environment.Contains(marker, StringComparer.Ordinal) &&
                    File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("ProcessMesh.Worker", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone while we looked, or not ours
            }
        }

        return found;
    }

    /// <summary>Fails naming every worker process this test process left behind.</summary>
    public static void AssertNoneLeft()
    {
        var left = Leftovers();
        Assert.True(left.Count == 0, $"worker processes left behind: {string.Join(", ", left.Select(p => $"{p} ({Describe(p)})"))}");
    }

    private static string Describe(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "gone";
        }
    }
}

/// <summary>
/// Base of every test that starts worker processes: after each test, passed or failed, no worker process it
/// started may remain (xunit disposes the test class even when the test threw).
/// </summary>
public abstract class NoLeftoverWorkers : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        WorkerProcesses.AssertNoneLeft();
    }
}
