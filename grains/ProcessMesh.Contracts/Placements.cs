namespace ProcessMesh.Contracts;

/// <summary>Where the <c>process</c> model puts its workers (<c>--placement</c>).</summary>
public static class Placements
{
    /// <summary>Dealt round-robin over the active silos, by rank.</summary>
    public const string Spread = "spread";

    /// <summary>All on the coordinator's silo.</summary>
    public const string Local = "local";

    /// <summary>Left to chance: a random active silo each, as Orleans' classic random placement does.</summary>
    public const string Default = "default";

    /// <summary>Every placement, as the CLI lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Spread, Local, Default];
}
