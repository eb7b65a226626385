using System.Text.Json;

namespace ProcessMesh.Cli.Output;

/// <summary>A results folder: results.json (the contract), results.csv, and the charts drawn from them.</summary>
internal static class ReportFolder
{
    public const string JsonFile = "results.json";
    public const string CsvFile = "results.csv";

    /// <summary>Writes the report and its charts; returns the charts drawn.</summary>
    public static IReadOnlyList<Charts.Chart> Write(DirectoryInfo dir, Report report)
    {
        dir.Create();
        var json = Path.Combine(dir.FullName, JsonFile);
        var csv = Path.Combine(dir.FullName, CsvFile);
        using (var writer = new StreamWriter(json))
        {
            new JsonFormat().Write(report, writer);
        }

        using (var writer = new StreamWriter(csv))
        {
            new CsvFormat().Write(report, writer);
        }

        return Charts.Write(dir, report.Runs);
    }

    /// <summary>Reads a folder's results.json; throws <see cref="ArgumentException"/> naming the folder when it cannot.</summary>
    public static Report Read(DirectoryInfo dir, string optionName)
    {
        var path = Path.Combine(dir.FullName, JsonFile);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{optionName}: {dir.FullName} has no {JsonFile} (make one with 'processmesh sweep --out {dir.Name}')");
        }

        try
        {
            var report = JsonSerializer.Deserialize<Report>(File.ReadAllText(path), JsonFormat.Options);
            return report ?? throw new ArgumentException($"{optionName}: {path} is empty");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{optionName}: {path} is not a ProcessMesh results file ({e.Message})");
        }
    }
}
