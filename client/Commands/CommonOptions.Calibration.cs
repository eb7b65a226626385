using System.CommandLine;
using System.CommandLine.Parsing;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>--calibration FILE</c>: a calibration the user names, used instead of the machine's cached one.</summary>
internal sealed partial class CommonOptions
{
    /// <summary>
    /// The calibration FILE holds; a file that is missing or corrupt is a parse error naming the option. Whether it
    /// describes the right machine is the silo's to say (<see cref="CalibrationJson.WhyNotFor"/>): the CLI's host need
    /// not be the cluster's.
    /// </summary>
    public Option<Calibration?> CalibrationFile { get; } = new("--calibration")
    {
        Description = "Use the calibration in FILE ('processmesh calibrate --out FILE' writes one) instead of the silo's cached one. " +
                      "It must describe the machine of the silo that uses it: checked there, before anything runs.",
        HelpName = "FILE",
        CustomParser = r => ReadCalibration(r, r.Tokens.Single().Value),
    };

    /// <summary>Adds <c>--calibration</c> to a verb that runs.</summary>
    public void AddCalibrationTo(Command command) => command.Options.Add(CalibrationFile);

    /// <summary>The calibration in <paramref name="path"/>, or null with one error naming --calibration and what is wrong.</summary>
    private static Calibration? ReadCalibration(ArgumentResult r, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            r.AddError(e is FileNotFoundException or DirectoryNotFoundException
                ? $"--calibration: no file {path}"
                : $"--calibration: cannot read {path} ({e.Message.TrimEnd('.')})");
            return null;
        }

        if (CalibrationJson.TryRead(text, out var problem) is not { } calibration)
        {
            r.AddError($"--calibration: {path} is {problem}");
            return null;
        }

        if (calibration.Lacks() is { } lacks)
        {
            r.AddError($"--calibration: {path} lacks {lacks}, which this build needs (an older build wrote it; 'processmesh calibrate --again --out {path}' measures a new one)");
            return null;
        }

        return calibration;
    }
}
