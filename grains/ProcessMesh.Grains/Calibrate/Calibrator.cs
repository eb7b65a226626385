using System.Runtime.InteropServices;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// Measures this machine once, step by step, with real processes and threads: for each kind of process (CPython
/// when <c>python3</c> is on PATH, and the .NET worker) its start, its memory alone and in crowds, and its messages
/// over each IPC; then threads of each kind. Every step says what it is doing through <paramref name="progress"/>.
/// </summary>
internal sealed class Calibrator(CalibrationPlan plan, IReadOnlyList<ProcessKind> kinds, Action<CalibrationProgress> progress)
{
    private readonly List<ProcessCalibration> _processes = [];
    private readonly List<ThreadCalibration> _threads = [];
    private readonly List<MessageCalibration> _messages = [];
    private readonly List<ContentionBench.MeshSample> _meshSamples = [];
    private readonly Dictionary<string, List<MessageCalibration>> _quietSamples = [];

    /// <summary>Each kind's crowd, measured, set against its quiet pair's figure once every step has run (that figure is the median of samples the last of which is taken at the end).</summary>
    private readonly Dictionary<string, Func<ProcessContention>> _crowded = [];
    private string? _python;

    /// <summary>The kinds of process this machine has: CPython when <c>python3</c> is on PATH, and the .NET worker.</summary>
    public static IReadOnlyList<ProcessKind> KindsHere() => [.. new[] { ProcessKind.Python(), ProcessKind.DotNet() }.OfType<ProcessKind>()];

    /// <summary>Runs every step and returns the calibration.</summary>
    public async Task<Calibration> RunAsync(CancellationToken cancellationToken)
    {
        var steps = Steps();
        for (var i = 0; i < steps.Count; i++)
        {
            progress(new CalibrationProgress
            {
                Step = steps[i].Name,
                Number = i + 1,
                Of = steps.Count,
                SecondsLeft = steps.Skip(i + 1).Sum(s => s.ExpectedSeconds),
            });
            await steps[i].Run(cancellationToken);
        }

        foreach (var (kind, contention) in _crowded)
        {
            var at = _processes.FindIndex(p => p.Kind == kind);
            _processes[at] = _processes[at] with { Contention = contention() };
        }

        return new Calibration
        {
            Machine = new CalibratedMachine
            {
                Name = Environment.MachineName,
                Cores = Environment.ProcessorCount,
                MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                Os = RuntimeInformation.OSDescription,
                Runtime = RuntimeInformation.FrameworkDescription,
                Python = _python,
            },
            MeasuredAt = DateTimeOffset.UtcNow,
            FormatVersion = Calibration.CurrentFormat,
            Quick = plan.Quick,
            Processes = _processes,
            Threads = _threads,
            Messages = _messages,
        };
    }

    /// <summary>A step: what progress calls it, how long it is expected to take, what it does; <paramref name="Series"/> names the samples it is one of (numbered in the order they run).</summary>
    private sealed record Step(string Name, double ExpectedSeconds, Func<CancellationToken, Task> Run, string? Series = null);

    /// <summary>The steps' names, in the order they run (what progress shows).</summary>
    internal IReadOnlyList<string> StepNames() => [.. Steps().Select(s => s.Name)];

    private List<Step> Steps()
    {
        // Sampled figures (Samples.Spread): a kind's quiet pair and the .NET crowd, each from its start, at its kind's
        // place and at its end; the start's before anything else, the end's after everything else.
        var (atStart, atEnd, steps) = (new List<Step>(), new List<Step>(), new List<Step>());
        foreach (var kind in kinds)
        {
            // A .NET start takes a tenth of a second of CPU, a CPython one a twentieth; crowds start together on the cores.
            var startCost = kind.Kind == Emulation.DotNet ? 0.15 : 0.06;
            var quiet = Samples.Spread(plan.QuietSamples);
            atStart.AddRange(Enumerable.Repeat(QuietSample(kind, startCost), quiet.AtStart));
            atEnd.AddRange(Enumerable.Repeat(QuietSample(kind, startCost), quiet.AtEnd));
            (double Wall, double Cpu) start = default;
            steps.Add(new($"{kind.Label}: start to first answer ({plan.StartRepeats} starts)", plan.StartRepeats * startCost, async ct =>
                start = await ProcessFootprints.StartAsync(kind, plan.StartRepeats, ct)));
            var crowds = new List<ProcessCrowd>();
            steps.Add(new($"{kind.Label}: memory with {string.Join(", ", plan.Crowds)} running{(kind.Kind == Emulation.DotNet ? " (os model workers, connected)" : "")}", (kind.Kind == Emulation.DotNet ? plan.Crowds.Sum() : plan.Crowds.Max()) * startCost / Math.Max(1, Environment.ProcessorCount) + 1, async ct =>
            {
                crowds.AddRange(kind.Kind == Emulation.DotNet
                    ? await ProcessFootprints.WorkingCrowdsAsync(kind.Ipcs[0], plan.Crowds, ct)
                    : await ProcessFootprints.CrowdsAsync(kind, plan.Crowds, ct));
                var alone = crowds.MinBy(c => c.Running)!;
                _processes.Add(new ProcessCalibration
                {
                    Kind = kind.Kind,
                    StartMicros = start.Wall,
                    StartCpuMicros = start.Cpu,
                    ResidentBytes = alone.ResidentBytes,
                    PssBytes = alone.PssBytes,
                    ResidentBytesPerExtra = crowds.MaxBy(c => c.Running)!.PssBytes,
                    Crowds = crowds,
                });
            }));
            foreach (var ipc in plan.AllIpcs ? kind.Ipcs : kind.Ipcs.Take(1))
            {
                // The first IPC's smallest size is a quiet sample (or several: samples at the kind's place in a row share
                // the run), measured first, for its own time; then the other sizes, each as long as before.
                var quietHere = ipc == kind.Ipcs[0] ? quiet.AtPlace : 0;
                List<int> sizes = [.. Enumerable.Repeat(QuietSize, quietHere), .. plan.Sizes.Where(s => quietHere == 0 || s != QuietSize)];
                List<double> seconds = [.. sizes.Select((_, i) => i < quietHere ? plan.QuietSeconds : plan.MessageSeconds)];
                // Each size: a tenth of its time warming up, its rounds, a quarter of its time streaming one way.
                steps.Add(new(
                    $"{kind.Label}: messages over {ipc} ({(quietHere == 0 ? SizeList(sizes) : quietHere == sizes.Count ? $"{Bytes.Format(QuietSize)}, {SampleMark}" : $"{SizeList(sizes)}; {Bytes.Format(QuietSize)} {SampleMark}")})",
                    seconds.Sum(s => (s * 1.35) + 0.05) + startCost + 0.2,
                    async ct =>
                    {
                        var measured = await MessageBench.RunAsync(kind, ipc, sizes, seconds, ct);
                        _messages.AddRange(measured.Skip(quietHere));
                        foreach (var sample in measured.Take(quietHere))
                        {
                            AddQuiet(kind, sample);
                        }
                    },
                    quietHere > 0 ? QuietSeries(kind) : null));
            }

            var crowd = plan.ContentionProcesses;
            if (kind.Kind == Emulation.DotNet)
            {
                // The .NET crowd is sampled at moments spread over the calibration (ContentionBench.OfSamples).
                var mesh = Samples.Spread(plan.ContentionSamples);
                atStart.AddRange(Enumerable.Repeat(MeshSample(kind), mesh.AtStart));
                steps.AddRange(Enumerable.Repeat(MeshSample(kind), mesh.AtPlace));
                atEnd.AddRange(Enumerable.Repeat(MeshSample(kind), mesh.AtEnd));
                continue;
            }

            steps.Add(new(
                $"{kind.Label}: messages among {crowd} processes ({crowd - 1} woken in turn, then {crowd / 2} pairs at once)",
                2 * ((crowd * startCost / Math.Max(1, Environment.ProcessorCount)) + 0.6 + (plan.ContentionSeconds * 1.55)),
                async ct =>
                {
                    var measured = await ContentionBench.BenchAsync(kind, crowd, plan.ContentionSeconds, ct);
                    _crowded[kind.Kind] = () => ContentionBench.OfBench(kind.Ipcs[0], Quiet(kind), crowd, measured);
                }));

            if (kind.Kind == Emulation.Python)
            {
                steps.Add(new($"python: threads (start, parked, queue.Queue hand-off at {SizeList()})", plan.Sizes.Count * ((plan.MessageSeconds * 1.35) + 0.05) + 0.3, async ct =>
                {
                    var (thread, handOffs, version) = await ThreadCosts.PythonAsync(kind, plan, ct);
                    _threads.Add(thread);
                    _messages.AddRange(handOffs);
                    _python = version;
                }));
            }
        }

        steps.Add(new($".NET: threads (start, parked, SemaphoreSlim hand-off at {SizeList()})", plan.Sizes.Count * ((plan.MessageSeconds * 1.25) + 0.05) + 0.2, async ct =>
        {
            var (thread, handOffs) = await ThreadCosts.DotNetAsync(plan, ct);
            _threads.Add(thread);
            _messages.AddRange(handOffs);
        }));

        // Each sample numbered in the order they run, within its series.
        List<Step> all = [.. atStart, .. steps, .. atEnd];
        var counts = all.Where(s => s.Series is not null).GroupBy(s => s.Series).ToDictionary(g => g.Key!, g => g.Count());
        var numbered = new Dictionary<string, int>();
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Series is { } series)
            {
                var number = numbered[series] = numbered.GetValueOrDefault(series) + 1;
                all[i] = all[i] with { Name = all[i].Name.Replace(SampleMark, $"sample {number} of {counts[series]}", StringComparison.Ordinal) };
            }
        }

        return all;
    }

    private const string SampleMark = "{sample}";

    /// <summary>The payload size of a quiet sample (the smallest; the contention's, <see cref="ProcessContention.PayloadBytes"/>).</summary>
    private int QuietSize => plan.Sizes.Min();

    private static string QuietSeries(ProcessKind kind) => $"quiet {kind.Kind}";

    /// <summary>
    /// One quiet sample of <paramref name="kind"/> away from its place (at the calibration's start or end): a fresh
    /// pair's <c>ipc-bench</c> over its first IPC at <see cref="QuietSize"/> only, for <see cref="CalibrationPlan.QuietSeconds"/>.
    /// </summary>
    private Step QuietSample(ProcessKind kind, double startCost) => new(
        $"{kind.Label}: messages over {kind.Ipcs[0]} ({Bytes.Format(QuietSize)}, {SampleMark})",
        (plan.QuietSeconds * 1.35) + 0.05 + startCost + 0.2,
        async ct => AddQuiet(kind, (await MessageBench.RunAsync(kind, kind.Ipcs[0], [QuietSize], [plan.QuietSeconds], ct)).Single()),
        QuietSeries(kind));

    /// <summary>Keeps a quiet sample; the last of <see cref="CalibrationPlan.QuietSamples"/> sets the kind's quiet figure from all of them (in the place its smallest size's line had) and whatever waited for it.</summary>
    private void AddQuiet(ProcessKind kind, MessageCalibration sample)
    {
        var samples = _quietSamples.TryGetValue(kind.Kind, out var kept) ? kept : _quietSamples[kind.Kind] = [];
        samples.Add(sample);
        if (samples.Count < plan.QuietSamples)
        {
            return;
        }

        var figure = MessageBench.OfSamples(samples);
        var at = _messages.FindIndex(m => (m.Between, m.Kind, m.Ipc) == (figure.Between, figure.Kind, figure.Ipc));
        _messages.Insert(at < 0 ? _messages.Count : at, figure);
    }

    /// <summary>
    /// One sample of the .NET crowd (<see cref="ContentionBench.SampleMeshAsync"/>): a ring of N os model workers, then
    /// N/2 pingpong pairs at once, each for <see cref="CalibrationPlan.ContentionSeconds"/> over the samples after a
    /// warm-up of a quarter of it; the last sample sets the kind's contention from all of them (once its quiet figure is in).
    /// </summary>
    private Step MeshSample(ProcessKind kind)
    {
        var crowd = plan.ContentionProcesses;
        var seconds = plan.ContentionSeconds / plan.ContentionSamples;
        return new(
            $"{kind.Label}: messages among {crowd} os model workers (a ring of {crowd}, then {crowd / 2} pingpong pairs at once; {SampleMark})",
            2 * ((crowd * 0.15 / Math.Max(1, Environment.ProcessorCount)) + 0.6 + (plan.ContentionSeconds / 4) + (seconds * 1.3)),
            async ct =>
            {
                _meshSamples.Add(await ContentionBench.SampleMeshAsync(kind.Ipcs[0], crowd, seconds, plan.ContentionSeconds / 4, ct));
                if (_meshSamples.Count == plan.ContentionSamples)
                {
                    _crowded[kind.Kind] = () => ContentionBench.OfSamples(kind.Ipcs[0], Quiet(kind), crowd, _meshSamples);
                }
            },
            $"crowd {kind.Kind}");
    }

    /// <summary>The kind's quiet pair's figure at its smallest size over its first IPC, once its samples are all in.</summary>
    private MessageCalibration Quiet(ProcessKind kind) =>
        _messages.FirstOrDefault(m => m.Between == MessageCalibration.BetweenProcesses && m.Kind == kind.Kind && m.Ipc == kind.Ipcs[0] && m.PayloadBytes == QuietSize)
        ?? throw new InvalidOperationException($"{kind.Label}: its crowd was measured, but its quiet pair's figure to set it against never was");

    private string SizeList() => SizeList(plan.Sizes);

    private static string SizeList(IEnumerable<int> sizes) => string.Join(", ", sizes.Distinct().Select(s => Bytes.Format(s)));
}
