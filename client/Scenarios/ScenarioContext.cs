using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>What a scenario runs with: the cluster, the machine, the repeats, progress, and CPython when present.</summary>
internal sealed class ScenarioContext(IGrainFactory grains, MachineInfo machine, string cluster, int repeats, PythonReference? python)
{
    /// <summary>Calls grains in the cluster.</summary>
    public IGrainFactory Grains { get; } = grains;

    /// <summary>The coordinator's silo and the cluster around it.</summary>
    public MachineInfo Machine { get; } = machine;

    /// <summary>What the cluster is ("embedded silo", "gateway HOST:PORT").</summary>
    public string Cluster { get; } = cluster;

    /// <summary>Measured repeats of every figure (the verdicts need at least two).</summary>
    public int Repeats { get; } = repeats;

    /// <summary>The real interpreter, when <c>python3</c> is on PATH.</summary>
    public PythonReference? Python { get; } = python;

    /// <summary>Progress of the scenario that is running.</summary>
    public ProgressReporter Progress { get; set; } = null!;

    /// <summary>Measures one spec through a coordinator grain: one warm-up, then the repeats, summarised by their median and range.</summary>
    public Task<RunResult> MeasureAsync(RunSpec spec, CancellationToken cancellationToken) =>
        new ExperimentRunner(Grains, new Experiment(Repeats, 1)).MeasureAsync(spec, Progress, cancellationToken);

    private static string Label(RunSpec spec) =>
        $"{spec.Model}{(spec.Native ? " native" : "")}{(Models.IsSingleSilo(spec.Model) && spec.Workload == Workload.Counter ? $" ({spec.Sync.ToString().ToLowerInvariant()})" : "")} " +
        $"{spec.Workload.ToString().ToLowerInvariant()} ×{spec.Workers}{(spec.PayloadBytes > 0 ? $", {Bytes.Format(spec.PayloadBytes)}" : "")}";

    /// <summary>
    /// Measures specs that a claim compares, interleaved: a warm-up of each, then round after round of one
    /// repeat of each, so a change in the machine's load lands on every figure alike rather than on whichever
    /// ran last. Returns each spec's median record, with its range, in the order given.
    /// </summary>
    public async Task<IReadOnlyList<RunResult>> MeasureAllAsync(IReadOnlyList<RunSpec> specs, CancellationToken cancellationToken)
    {
        var repeats = await RunRepeatsAsync(specs, cancellationToken);
        return repeats.Select(ExperimentRunner.Summarise).ToList();
    }

    /// <summary>As <see cref="MeasureAllAsync"/>, but every repeat's record (for figures the median record drops).</summary>
    public async Task<IReadOnlyList<IReadOnlyList<RunResult>>> RunRepeatsAsync(IReadOnlyList<RunSpec> specs, CancellationToken cancellationToken)
    {
        var runs = specs.Select(_ => new List<RunResult>()).ToList();
        for (var round = 0; round <= Repeats; round++)
        {
            for (var i = 0; i < specs.Count; i++)
            {
                var spec = specs[i];
                Progress.Begin($"{Label(spec)}: {(round == 0 ? "warm-up" : $"repeat {round}/{Repeats}")}");
                var run = await Grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec).WaitAsync(cancellationToken);
                Progress.End();
                if (round > 0)
                {
                    runs[i].Add(run);
                }
            }
        }

        return runs;
    }

    /// <summary>Measures <paramref name="measure"/> <see cref="Repeats"/> times after one warm-up, with progress.</summary>
    public async Task<Sample> RepeatAsync(string label, Func<Task<double>> measure)
    {
        Progress.Begin($"{label}: warm-up");
        await measure();
        Progress.End();
        var values = new List<double>();
        for (var i = 1; i <= Repeats; i++)
        {
            Progress.Begin($"{label}: repeat {i}/{Repeats}");
            values.Add(await measure());
            Progress.End();
        }

        return Sample.Of(values);
    }
}
