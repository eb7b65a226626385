using System.Globalization;
using System.Text;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>The process table's view of the children a calibration started from this test process (each carries <see cref="ChildProcess.OwnerVariable"/>).</summary>
internal static class CalibrationProcesses
{
    /// <summary>PIDs of live processes a calibration in this test process started (and their own children).</summary>
    public static IReadOnlyList<int> Leftovers()
    {
        var marker = $"{ChildProcess.OwnerVariable}={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
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
                if (!zombie && Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "environ"))).Split('\0').Contains(marker, StringComparer.Ordinal))
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

    /// <summary>Fails naming every process a calibration left behind.</summary>
    public static void AssertNoneLeft()
    {
        var left = Leftovers();
        Assert.True(left.Count == 0, $"calibration processes left behind: {string.Join(", ", left.Select(p => $"{p} ({Describe(p)})"))}");
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
