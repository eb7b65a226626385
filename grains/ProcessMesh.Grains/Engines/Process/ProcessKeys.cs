namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// A process worker's grain key: its run, how the run places its workers, and its rank. The key carries the
/// placement so that <see cref="WorkerPlacementDirector"/> can place each worker without asking anyone.
/// </summary>
public static class ProcessKeys
{
    /// <summary>The key of worker <paramref name="index"/> of run <paramref name="runId"/>.</summary>
    public static string Of(string runId, string placement, int index) => $"{runId}/{placement}/{index}";

    /// <summary>Reads a key that <see cref="Of"/> wrote; null parts when it is not one.</summary>
    public static (string? Placement, int Index) Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 3 && int.TryParse(parts[2], out var index) ? (parts[1], index) : (null, -1);
    }
}
