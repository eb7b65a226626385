using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Running;

/// <summary>
/// How long the runs still to come will take, learned from the runs already made: a spec that has run takes what
/// its own runs took; one that has not is scaled from the nearest one that has (same model first), by its work
/// over the parallelism its workload can use. Before anything has run it cannot say. The specs are resolved (their
/// workloads' defaults filled in by the cluster, <see cref="ICatalogGrain.Resolve"/>), so their work is known.
/// </summary>
internal sealed class RunEstimator(IReadOnlyList<RunSpec> specs, Experiment experiment, int cores)
{
    private readonly List<TimeSpan>[] _measured = [.. specs.Select(_ => new List<TimeSpan>())];
    private readonly object _gate = new();
    private int _current = -1;
    private int _runsBegun;

    /// <summary>Runs one spec takes: warm-ups and repeats.</summary>
    private int RunsPerSpec => experiment.Warmup + experiment.Repeats;

    /// <summary>Notes that a run of spec <paramref name="index"/> begins; returns how long it should take, when known.</summary>
    public TimeSpan? Begin(int index)
    {
        lock (_gate)
        {
            if (index != _current)
            {
                _current = index;
                _runsBegun = 0;
            }

            _runsBegun++;
            return Predict(index);
        }
    }

    /// <summary>Records how long a run of spec <paramref name="index"/> took.</summary>
    public void Record(int index, TimeSpan took)
    {
        lock (_gate)
        {
            _measured[index].Add(took);
        }
    }

    /// <summary>The runs not yet begun: the rest of the current spec and every later one. Null while nothing has run.</summary>
    public TimeSpan? Remaining()
    {
        lock (_gate)
        {
            return Remaining([.. specs.Select((_, i) => i < _current ? 0 : i == _current ? RunsPerSpec - _runsBegun : RunsPerSpec)]);
        }
    }

    /// <summary>
    /// What <paramref name="runsLeft"/> more runs of each spec will take (a sweep's, whose specs come back pass after
    /// pass, counts them itself). Null while it cannot say.
    /// </summary>
    public TimeSpan? Remaining(IReadOnlyList<int> runsLeft)
    {
        lock (_gate)
        {
            var total = TimeSpan.Zero;
            for (var i = 0; i < specs.Count; i++)
            {
                if (runsLeft[i] <= 0)
                {
                    continue;
                }

                if (Predict(i) is not { } each)
                {
                    return null;
                }

                total += each * runsLeft[i];
            }

            return total;
        }
    }

    private TimeSpan? Predict(int index)
    {
        if (_measured[index].Count > 0)
        {
            // The first run of a spec is a warm-up when there are any: later runs are the better guide.
            var runs = _measured[index].Count > 1 && experiment.Warmup > 0 ? _measured[index].Skip(1) : _measured[index];
            return TimeSpan.FromTicks((long)runs.Average(t => t.Ticks));
        }

        var target = specs[index];
        var nearest = Enumerable.Range(0, specs.Count)
            .Where(j => _measured[j].Count > 0)
            .OrderBy(j => specs[j].Model == target.Model ? 0 : 1)
            .ThenBy(j => specs[j].Workload == target.Workload ? 0 : 1)
            .ThenBy(j => Math.Abs(Math.Log((double)specs[j].Workers / target.Workers)))
            .Select(j => (int?)j)
            .FirstOrDefault();
        if (nearest is not { } n)
        {
            return null;
        }

        var known = specs[n];
        var scale = (double)target.Work / Math.Max(1, known.Work) * Parallelism(known) / Parallelism(target);
        return Predict(n) * scale;
    }

    /// <summary>The parallelism a spec's workload can use on this machine, roughly.</summary>
    private double Parallelism(RunSpec spec)
    {
        var usable = Math.Min(spec.Workers, cores);
        return spec.Workload.Name switch
        {
            "io" => spec.Workers,
            "cpu" or "stencil" when spec.Model == Models.Gil && !spec.Native => 1,
            "cpu" or "stencil" => usable,
            "pingpong" => Math.Min(Math.Max(1, spec.Workers / 2), cores),
            _ => 1,
        };
    }
}
