using System.Text.Json;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// CPython itself, on the cluster's machine, for the scenarios that imitate it: the silo runs the reference
/// script (<see cref="IReferenceGrain"/>) and starts the idle interpreters, so the reference shares the machine
/// the models are measured on, whichever machine the CLI runs on. Absent, the scenarios run without a reference row.
/// </summary>
internal sealed class PythonReference(IReferenceGrain silo, PythonPresence presence)
{
    /// <summary>The silo the reference runs on and where its python3 and script are.</summary>
    public PythonPresence Presence { get; } = presence;

    /// <summary>CPython on the cluster's machine, or null with why (Absent) when the silo has none.</summary>
    public static async Task<(PythonReference? Python, string? Absent)> FindAsync(IGrainFactory grains)
    {
        var silo = grains.GetGrain<IReferenceGrain>(IReferenceGrain.Key);
        var presence = await silo.FindPython();
        return presence.Absent is null ? (new PythonReference(silo, presence), null) : (null, $"{presence.Absent} on silo {presence.Silo}: no CPython reference rows");
    }

    /// <summary>Runs one experiment of the script and returns its JSON.</summary>
    /// <param name="experiment">The script's experiment (gil-cpu, ipc-cost, ...).</param>
    /// <param name="repeats">Timed repeats of each variant.</param>
    /// <param name="sized">Whether the script scales its work until no timed run is under <see cref="ScenarioContext.MinSeconds"/>.</param>
    /// <param name="cancellationToken">Stops it (the silo kills the child).</param>
    public async Task<JsonElement> RunAsync(string experiment, int repeats, bool sized, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await silo.RunPython(experiment, repeats, sized ? ScenarioContext.MinSeconds : null, cancellationToken)).RootElement.Clone();

    /// <summary>Starts <paramref name="count"/> idle interpreters on the silo's machine at once and reads what each holds resident.</summary>
    public Task<IReadOnlyList<IdleFootprint>> MeasureIdleAsync(int count, CancellationToken cancellationToken) =>
        silo.MeasureIdlePython(count, cancellationToken);

    /// <summary>
    /// The ratio of two of the script's timings of one experiment, <paramref name="numerator"/> over
    /// <paramref name="denominator"/>, paired by round (the script interleaves its variants: round i of each ran
    /// back to back): <see cref="Noise.PairedRatio"/>.
    /// </summary>
    public static Sample PairedRatio(JsonElement reference, string numerator, string denominator) =>
        Noise.PairedRatio(Values(reference.GetProperty(numerator)), Values(reference.GetProperty(denominator)));

    private static double[] Values(JsonElement figure) => [.. figure.GetProperty("values").EnumerateArray().Select(v => v.GetDouble())];

    /// <summary>A timing the script printed ({"median", "min", "max", "values"}) as a sample.</summary>
    public static Sample Timing(JsonElement figure) =>
        Sample.Of(figure.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
}
