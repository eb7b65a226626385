namespace ProcessMesh.Cli.Output;

/// <summary>
/// Where --out writes: checked before anything runs (a path that cannot be written is the user's to fix, not a
/// surprise after the experiment), and written at the end with a fallback that never loses the results.
/// </summary>
internal static class OutputTarget
{
    /// <summary>Why <paramref name="file"/> cannot be written, or null when it can. Leaves no file behind.</summary>
    public static string? CheckFile(FileInfo file)
    {
        if (Directory.Exists(file.FullName))
        {
            return $"--out: {file.FullName} is a folder; name a file (results.json, results.csv)";
        }

        try
        {
            var existed = file.Exists;
            file.Directory?.Create();
            using (new FileStream(file.FullName, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            if (!existed)
            {
                File.Delete(file.FullName);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return $"--out: cannot write {file.FullName} ({Reason(e)})";
        }
    }

    /// <summary>Why <paramref name="dir"/> cannot take a results folder, or null when it can.</summary>
    public static string? CheckFolder(DirectoryInfo dir)
    {
        if (File.Exists(dir.FullName))
        {
            return $"--out: {dir.FullName} is a file; sweep writes a folder (results.json, results.csv, charts): name a folder";
        }

        try
        {
            dir.Create();
            var probe = Path.Combine(dir.FullName, $".processmesh-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return $"--out: cannot write into {dir.FullName} ({Reason(e)})";
        }
    }

    /// <summary>
    /// Writes with <paramref name="write"/>; if that fails, prints the results with <paramref name="fallback"/> on
    /// standard output and one line naming the path on standard error. True when the file was written.
    /// </summary>
    public static bool TryWrite(string path, Action write, Action fallback, TextWriter? errors = null)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            fallback();
            (errors ?? Console.Error).WriteLine($"processmesh: --out: could not write {path} ({Reason(e)}); the results are on standard output");
            return false;
        }
    }

    /// <summary>Why a path could not be written, in the user's terms (not the runtime's "Could not find file").</summary>
    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "its folder does not exist and cannot be made",
        // Creating a file where the system refuses new ones (/proc, /sys) reads as "not found" from the runtime.
        FileNotFoundException => "that folder does not take new files",
        PathTooLongException => "the path is too long",
        NotSupportedException => "not a path a file can have",
        _ when e.HResult == 28 || e.Message.Contains("No space left", StringComparison.Ordinal) => "the disk is full",
        _ when e.Message.Contains("Read-only file system", StringComparison.Ordinal) => "the file system is read-only",
        _ => e.Message.Split(" : ", 2)[0].TrimEnd('.'),
    };
}
