namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// One classic claim about processes, threads and the interpreter lock, as an experiment: it measures through the
/// cluster, lays out the evidence and judges the claim. A scenario is one file; the catalog finds it.
/// </summary>
internal interface IScenario
{
    /// <summary>The name the CLI takes (<c>gil-cpu</c>).</summary>
    string Name { get; }

    /// <summary>The claim, as users know it, in one sentence.</summary>
    string Claim { get; }

    /// <summary>Where it stands in <c>scenario list</c> and in <c>run all</c>.</summary>
    int Order { get; }

    /// <summary>Runs the experiment and judges the claim.</summary>
    Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}
