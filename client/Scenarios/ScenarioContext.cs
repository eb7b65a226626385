using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>How the specs a scenario measures are sized for steady state (no measured phase under <see cref="ScenarioContext.MinSeconds"/>).</summary>
internal enum Sizing
{
    /// <summary>As the scenario gives them (memory, counts: figures that do not depend on how long a run lasts).</summary>
    AsGiven,

    /// <summary>Every spec's work scaled by one factor, so figures of the same work stay comparable (speedups, time ratios).</summary>
    Together,

    /// <summary>Each spec's work scaled on its own (figures per message or per unit).</summary>
    Each,
}

/// <summary>What a scenario runs with: the cluster, the machine, the repeats, progress, CPython when present, and the calibration named.</summary>
internal sealed class ScenarioContext(IGrainFactory grains, ClusterCatalog catalog, MachineInfo machine, string cluster, int repeats, PythonReference? python, Calibration? calibration = null)
{
    /// <summary>The shortest measured phase a sized run may have: below it a run is mostly start-up and timer resolution, not steady state.</summary>
    public const double MinSeconds = 0.2;

    /// <summary>What a run that came out short is sized up to: above <see cref="MinSeconds"/> with room for a faster repeat.</summary>
    public const double TargetSeconds = 0.3;

    /// <summary>The most a run's work is scaled by.</summary>
    public const double MaxScale = 200;

    /// <summary>Calls grains in the cluster.</summary>
    public IGrainFactory Grains { get; } = grains;

    /// <summary>What the cluster runs: its models' traits and its workloads' defaults.</summary>
    public ClusterCatalog Catalog { get; } = catalog;

    /// <summary>The coordinator's silo and the cluster around it.</summary>
    public MachineInfo Machine { get; } = machine;

    /// <summary>What the cluster is ("embedded silo", "gateway HOST:PORT").</summary>
    public string Cluster { get; } = cluster;

    /// <summary>Measured repeats of every figure (the verdicts need at least two).</summary>
    public int Repeats { get; } = repeats;

    /// <summary>The calibration emulated processes pay from (<c>--calibration FILE</c>); null: each silo's own.</summary>
    public Calibration? Calibration { get; } = calibration;

    /// <summary>The real interpreter, when <c>python3</c> is on PATH.</summary>
    public PythonReference? Python { get; } = python;

    /// <summary>Progress of the scenario that is running.</summary>
    public ProgressReporter Progress { get; set; } = null!;

    /// <summary>Measures one spec through a coordinator grain: one warm-up, then the repeats, summarised by their median and range.</summary>
    public Task<RunResult> MeasureAsync(RunSpec spec, CancellationToken cancellationToken) =>
        new ExperimentRunner(Grains, Catalog, new Experiment(Repeats, 1)).MeasureAsync(With(spec), Progress, cancellationToken);

    /// <summary><paramref name="spec"/> with the calibration named on the command line, when one was.</summary>
    private RunSpec With(RunSpec spec) => Calibration is null ? spec : spec with { Calibration = Calibration };

    private string Label(RunSpec spec) =>
        $"{spec.Model}{(spec.Model == Models.Process && spec.Emulate != Emulation.Grain ? $" as {spec.Emulate}" : "")}{(spec.Native ? " native" : "")}{(Catalog.Model(spec.Model) is { SingleSilo: true } && spec.Workload == Workload.Counter ? $" ({spec.Sync.ToString().ToLowerInvariant()})" : "")} " +
        $"{spec.Workload.ToString().ToLowerInvariant()} ×{spec.Workers}{(spec.PayloadBytes > 0 ? $", {Bytes.Format(spec.PayloadBytes)}" : "")}";

    /// <summary>
    /// Measures specs that a claim compares, interleaved: a warm-up of each, then round after round of one
    /// repeat of each, so a change in the machine's load lands on every figure alike rather than on whichever
    /// ran last. Returns each spec's median record, with its repeats, in the order given.
    /// </summary>
    public async Task<IReadOnlyList<RunResult>> MeasureAllAsync(IReadOnlyList<RunSpec> specs, CancellationToken cancellationToken, Sizing sizing = Sizing.AsGiven)
    {
        var repeats = await RunRepeatsAsync(specs, cancellationToken, sizing);
        return repeats.Select(ExperimentRunner.Summarise).ToList();
    }

    /// <summary>
    /// As <see cref="MeasureAllAsync"/>, but every repeat's record (for figures the median record drops). With
    /// <paramref name="sizing"/>, a spec whose warm-up's measured phase came out under <see cref="MinSeconds"/> has
    /// its work scaled up to last about <see cref="TargetSeconds"/> (with the others, or on its own), and is warmed
    /// up once more at that size before its repeats.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<RunResult>>> RunRepeatsAsync(IReadOnlyList<RunSpec> specs, CancellationToken cancellationToken, Sizing sizing = Sizing.AsGiven)
    {
        var sized = specs.Select(With).ToArray();
        var warm = new RunResult[sized.Length];
        for (var i = 0; i < sized.Length; i++)
        {
            warm[i] = await OnceAsync(sized[i], "warm-up", cancellationToken);
        }

        if (sizing != Sizing.AsGiven)
        {
            var factors = warm.Select(w => w.WallSeconds >= MinSeconds ? 1 : Math.Min(MaxScale, TargetSeconds / Math.Max(w.WallSeconds, TargetSeconds / MaxScale))).ToArray();
            if (sizing == Sizing.Together)
            {
                Array.Fill(factors, factors.Max());
            }

            for (var i = 0; i < sized.Length; i++)
            {
                if (factors[i] > 1 && warm[i].Work > 0)
                {
                    sized[i] = sized[i] with { Work = (long)Math.Ceiling(warm[i].Work * factors[i]) };
                    await OnceAsync(sized[i], "warm-up at steady-state size", cancellationToken);
                }
            }
        }

        var runs = sized.Select(_ => new List<RunResult>()).ToList();
        for (var round = 1; round <= Repeats; round++)
        {
            for (var i = 0; i < sized.Length; i++)
            {
                runs[i].Add(await OnceAsync(sized[i], $"repeat {round}/{Repeats}", cancellationToken));
            }
        }

        return runs;
    }

    private async Task<RunResult> OnceAsync(RunSpec spec, string step, CancellationToken cancellationToken)
    {
        Progress.Begin($"{Label(spec)}: {step}");
        try
        {
            return await Grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec).WaitAsync(cancellationToken);
        }
        finally
        {
            Progress.End();
        }
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
