namespace ProcessMesh.Grains.Calibrate;

/// <summary>CPython as this machine has it: <c>python3</c> on PATH, and the calibration script shipped beside this assembly.</summary>
public static class Python3
{
    /// <summary>The path of <c>python3</c> on PATH, or null when there is none.</summary>
    public static string? Find() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "python3")).FirstOrDefault(File.Exists);

    /// <summary>Calibrate/python/calibrate.py, copied to the output beside this assembly.</summary>
    public static string CalibrationScript { get; } = Path.Combine(AppContext.BaseDirectory, "Calibrate", "python", "calibrate.py");
}
