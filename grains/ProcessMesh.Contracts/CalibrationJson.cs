using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProcessMesh.Contracts;

/// <summary>
/// The calibration's JSON (DESIGN's "Calibration and emulation" shape, camelCase): how the cache file, the
/// <c>--calibration</c> file and <c>calibrate --format json</c> are written and read, in one place.
/// </summary>
public static class CalibrationJson
{
    /// <summary>The serializer settings of the contract.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The calibration as JSON text.</summary>
    public static string Write(Calibration calibration) => JsonSerializer.Serialize(calibration, Options);

    /// <summary>
    /// Reads a calibration from <paramref name="json"/>; null, with why in <paramref name="problem"/>, when the text
    /// is not JSON or does not hold a calibration (no machine name, no date, or no process, thread or message measured).
    /// </summary>
    public static Calibration? TryRead(string json, out string? problem)
    {
        Calibration? calibration;
        try
        {
            calibration = JsonSerializer.Deserialize<Calibration>(json, Options);
        }
        catch (JsonException e)
        {
            problem = $"not calibration JSON ({e.Message.Split('.')[0]})";
            return null;
        }

        problem = calibration switch
        {
            null => "not calibration JSON (null)",
            { Machine.Name.Length: 0 } => "names no machine (machine.name)",
            { MeasuredAt.Ticks: 0 } => "has no date (measuredAt)",
            { Processes.Count: 0, Threads.Count: 0, Messages.Count: 0 } => "holds no figure (processes, threads, messages are empty)",
            _ => null,
        };
        return problem is null ? calibration : null;
    }

    /// <summary>
    /// Null when a calibration the user named (<paramref name="given"/>, null: none) describes the machine of the silo
    /// that calls this, which will use it; else why not, in one line naming <c>--calibration</c>. Checked where it is
    /// used, not where the command line runs: a client on one machine may drive a cluster on another.
    /// </summary>
    public static string? WhyNotFor(Calibration? given) =>
        given is null || DescribesThisMachine(given)
            ? null
            : $"the calibration describes machine '{given.Machine.Name}', not '{Environment.MachineName}', the silo that would use it ('processmesh calibrate' on that machine measures it)";

    /// <summary>Whether <paramref name="calibration"/> describes this machine (by host name).</summary>
    public static bool DescribesThisMachine(Calibration calibration) =>
        string.Equals(calibration.Machine.Name, Environment.MachineName, StringComparison.OrdinalIgnoreCase);
}
