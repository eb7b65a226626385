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

    /// <summary>Progress steps one <see cref="MeasureAsync"/> reports: a warm-up and the repeats.</summary>
    public static int StepsPerSpec(int repeats) => repeats + 1;

    /// <summary>Measures one spec through a coordinator grain: one warm-up, then the repeats, summarised by their median and range.</summary>
    public Task<RunResult> MeasureAsync(RunSpec spec, CancellationToken cancellationToken) =>
        new ExperimentRunner(Grains, new Experiment(Repeats, 1)).MeasureAsync(spec, Progress, cancellationToken);

    /// <summary>Runs one spec through coordinator grains: one warm-up, then every repeat's record (for figures the median record drops).</summary>
    public async Task<IReadOnlyList<RunResult>> RunRepeatsAsync(RunSpec spec, string label, CancellationToken cancellationToken)
    {
        var runs = new List<RunResult>();
        for (var i = 0; i <= Repeats; i++)
        {
            Progress.Begin(i == 0 ? $"{label}: warm-up" : $"{label}: repeat {i}/{Repeats}");
            var run = await Grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec).WaitAsync(cancellationToken);
            Progress.End();
            if (i > 0)
            {
                runs.Add(run);
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
