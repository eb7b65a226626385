using System.Globalization;
using System.Text;
using ProcessMesh.Grains.Calibrate;
using ProcessMesh.Grains.Engines.Os;

namespace ProcessMesh.Tests;

/// <summary>
/// The process table's view of the child processes this test process owns: every process ProcessMesh starts (and
/// every peer those start) carries an owner variable, set to the starting process's PID, in its environment,
/// whoever its parent is now. One view per kind: the <c>os</c> model's worker processes, and a calibration's.
/// </summary>
/// <param name="ownerVariable">The environment variable that marks the kind.</param>
/// <param name="kind">The kind, for messages ("worker", "calibration").</param>
/// <param name="command">A text the command line must contain too, when the variable alone is not enough.</param>
internal sealed class OwnedProcesses(string ownerVariable, string kind, string? command = null)
{
    /// <summary><c>ProcessMesh.Worker</c> processes started through <see cref="WorkerExecutable"/>.</summary>
    public static OwnedProcesses Workers { get; } = new(WorkerExecutable.OwnerVariable, "worker", "ProcessMesh.Worker");

    /// <summary>Processes a calibration started (<see cref="ChildProcess"/>), and their own children.</summary>
    public static OwnedProcesses Calibration { get; } = new(ChildProcess.OwnerVariable, "calibration");

    /// <summary>PIDs of the live (not zombie) processes of this kind owned by this test process.</summary>
    public IReadOnlyList<int> Leftovers()
    {
        var marker = $"{ownerVariable}={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var zombie = stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
                if (!zombie
                    && Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "environ"))).Split('\0').Contains(marker, StringComparer.Ordinal)
                    && (command is null || File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(command, StringComparison.Ordinal)))
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

    /// <summary>Fails naming every process of this kind this test process left behind.</summary>
    public void AssertNoneLeft()
    {
        var left = Leftovers();
        Assert.True(left.Count == 0, $"{kind} processes left behind: {string.Join(", ", left.Select(p => $"{p} ({Describe(p)})"))}");
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
        OwnedProcesses.Workers.AssertNoneLeft();
    }
}
