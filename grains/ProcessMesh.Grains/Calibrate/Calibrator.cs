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

    private sealed record Step(string Name, double ExpectedSeconds, Func<CancellationToken, Task> Run);

    private List<Step> Steps()
    {
        var steps = new List<Step>();
        Step? last = null;
        foreach (var kind in kinds)
        {
            // A .NET start takes a tenth of a second of CPU, a CPython one a twentieth; crowds start together on the cores.
            var startCost = kind.Kind == Emulation.DotNet ? 0.15 : 0.06;
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
                // Each size: a tenth of its time warming up, its rounds, a quarter of its time streaming one way.
                steps.Add(new($"{kind.Label}: messages over {ipc} ({SizeList()})", plan.Sizes.Count * ((plan.MessageSeconds * 1.35) + 0.05) + startCost + 0.2, async ct =>
                    _messages.AddRange(await MessageBench.RunAsync(kind, ipc, plan.Sizes, plan.MessageSeconds, ct))));
            }

            var crowd = plan.ContentionProcesses;
            if (kind.Kind == Emulation.DotNet)
            {
                // The .NET crowd is sampled at moments spread over the calibration (ContentionBench.OfSamples): from
                // three samples on, the first before anything else; from two on, the last at the end; the rest here.
                var (first, atEnd) = (plan.ContentionSamples >= 3 ? 1 : 0, plan.ContentionSamples >= 2 ? 1 : 0);
                if (first == 1)
                {
                    steps.Insert(0, MeshSample(kind));
                }

                for (var i = 0; i < plan.ContentionSamples - first - atEnd; i++)
                {
                    steps.Add(MeshSample(kind));
                }

                last = atEnd == 1 ? MeshSample(kind) : null;
                continue;
            }

            steps.Add(new(
                $"{kind.Label}: messages among {crowd} processes ({crowd - 1} woken in turn, then {crowd / 2} pairs at once)",
                2 * ((crowd * startCost / Math.Max(1, Environment.ProcessorCount)) + 0.6 + (plan.ContentionSeconds * 1.55)),
                async ct =>
                {
                    var contention = await ContentionBench.RunAsync(kind, Quiet(kind), crowd, plan.ContentionSeconds, ct);
                    var at = _processes.FindIndex(p => p.Kind == kind.Kind);
                    _processes[at] = _processes[at] with { Contention = contention };
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
        if (last is not null)
        {
            steps.Add(last);
        }

        // Numbered in the order they run.
        var sample = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Name.Contains(SampleMark, StringComparison.Ordinal))
            {
                steps[i] = steps[i] with { Name = steps[i].Name.Replace(SampleMark, $"sample {++sample} of {plan.ContentionSamples}", StringComparison.Ordinal) };
            }
        }

        return steps;
    }

    private const string SampleMark = "{sample}";

    /// <summary>
    /// One sample of the .NET crowd (<see cref="ContentionBench.SampleMeshAsync"/>): a ring of N os model workers, then
    /// N/2 pingpong pairs at once, each for <see cref="CalibrationPlan.ContentionSeconds"/> over the samples after a
    /// warm-up of a quarter of it; the last sample sets the kind's contention from all of them.
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
                    var contention = ContentionBench.OfSamples(kind.Ipcs[0], Quiet(kind), crowd, _meshSamples);
                    var at = _processes.FindIndex(p => p.Kind == kind.Kind);
                    _processes[at] = _processes[at] with { Contention = contention };
                }
            });
    }

    /// <summary>The kind's quiet pair's 8 B figure over its first IPC (measured before its contention is set).</summary>
    private MessageCalibration Quiet(ProcessKind kind) =>
        _messages.Where(m => m.Between == MessageCalibration.BetweenProcesses && m.Kind == kind.Kind && m.Ipc == kind.Ipcs[0]).MinBy(m => m.PayloadBytes)
        ?? throw new InvalidOperationException($"{kind.Label}: no quiet {kind.Ipcs[0]} figure to measure contention against");

    private string SizeList() => string.Join(", ", plan.Sizes.Select(s => Bytes.Format(s)));
}
