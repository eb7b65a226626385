using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// The per-machine calibration file, and the only code that reads or writes it: one file a machine,
/// <c>calibration-HOST.json</c>, under <c>$XDG_CACHE_HOME/processmesh</c> (or <c>~/.cache/processmesh</c>). A file
/// that is corrupt or names another machine is not used; a quick calibration never replaces a full one.
/// </summary>
public sealed class CalibrationCache(string directory)
{
    /// <summary>The folder the files live in.</summary>
    public string Directory { get; } = directory;

    /// <summary>This machine's file.</summary>
    public string FilePath { get; } = Path.Combine(directory, $"calibration-{FileSafe(Environment.MachineName)}.json");

    /// <summary>The cache in <c>$XDG_CACHE_HOME/processmesh</c>, or <c>~/.cache/processmesh</c> when that is not set.</summary>
    public static CalibrationCache Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new CalibrationCache(Path.Combine(root, "processmesh"));
    }

    /// <summary>This machine's cached calibration, or null (with why in <paramref name="absent"/>) when there is none to use.</summary>
    public Calibration? Read(out string? absent)
    {
        string text;
        try
        {
            text = File.ReadAllText(FilePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            absent = $"no calibration cached at {FilePath}";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            absent = $"{FilePath} cannot be read ({e.Message.TrimEnd('.')})";
            return null;
        }

        if (CalibrationJson.TryRead(text, out var problem) is not { } calibration)
        {
            absent = $"{FilePath} is {problem}";
            return null;
        }

        if (!CalibrationJson.DescribesThisMachine(calibration))
        {
            absent = $"{FilePath} describes {calibration.Machine.Name}, not this machine ({Environment.MachineName})";
            return null;
        }

        absent = null;
        return calibration;
    }

    /// <summary>
    /// Keeps <paramref name="calibration"/> as this machine's (written whole, then moved into place, so a reader never
    /// sees half a file), unless it is quick and a full one this build can use is kept. True when it was written.
    /// </summary>
    public bool Write(Calibration calibration)
    {
        if (calibration.Quick && Read(out _) is { Quick: false } kept && kept.Lacks() is null)
        {
            return false;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var temporary = $"{FilePath}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, CalibrationJson.Write(calibration));
        File.Move(temporary, FilePath, overwrite: true);
        return true;
    }

    private static string FileSafe(string host) =>
        new([.. host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_')]);
}
