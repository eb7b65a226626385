namespace ProcessMesh.Cli.Scenarios;

/// <summary>Every scenario in this assembly, in their order: adding one is adding a file.</summary>
internal static class ScenarioCatalog
{
    /// <summary>All scenarios, ordered.</summary>
    public static IReadOnlyList<IScenario> All { get; } = typeof(IScenario).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScenario).IsAssignableFrom(t))
        .Select(t => (IScenario)Activator.CreateInstance(t)!)
        .OrderBy(s => s.Order)
        .ToList();

    /// <summary>The scenarios a name selects ("all" or one name), or null when it names none.</summary>
    public static IReadOnlyList<IScenario>? Select(string name) =>
        string.Equals(name, "all", StringComparison.OrdinalIgnoreCase) ? All
        : All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) is { } one ? [one]
        : null;
}
