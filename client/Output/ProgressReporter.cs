using System.Diagnostics;
using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// Progress on standard error, so standard output stays clean for results: a live line with the current step,
/// what it has done so far, and the time left, on a terminal; or one line a step, and one every
/// <see cref="HeartbeatInterval"/> while a step runs on, when standard error is a file or a pipe (CI logs).
/// The time left is the work's own estimate (<see cref="Remaining"/>): a drive's length is known, a repeat's
/// is learned from the repeats before it; no step is silent for longer than the heartbeat.
/// </summary>
internal sealed class ProgressReporter
{
    /// <summary>How often a long step says how it is doing when standard error is not a terminal.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Stopwatch _inStep = new();
    private readonly bool _quiet;
    private readonly TextWriter _log;
    private readonly object _gate = new();
    private ProgressTask? _bar;
    private string _step = "";
    private TimeSpan? _stepExpected;
    private string? _detail;
    private int _number;
    private TimeSpan _lastLine;

    private ProgressReporter(bool quiet, TextWriter log)
    {
        _quiet = quiet;
        _log = log;
    }

    /// <summary>
    /// The time the steps not yet begun will take, by the work's own estimate; null while it cannot say.
    /// Set by the work before its first step.
    /// </summary>
    public Func<TimeSpan?> Remaining { get; set; } = () => null;

    /// <summary>Runs <paramref name="work"/> with progress titled <paramref name="title"/>.</summary>
    public static async Task<T> RunAsync<T>(string title, bool quiet, Func<ProgressReporter, Task<T>> work, TextWriter? log = null)
    {
        var reporter = new ProgressReporter(quiet, log ?? Console.Error);
        if (quiet)
        {
            return await work(reporter);
        }

        if (log is not null || Console.IsErrorRedirected)
        {
            await reporter._log.WriteLineAsync($"processmesh: {title}");
            return await reporter.WithHeartbeatAsync(work);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                reporter._bar = ctx.AddTask(Markup.Escape(title), maxValue: 1000);
                return await reporter.WithHeartbeatAsync(work);
            });
    }

    /// <summary>Announces the step about to run, and how long it should take when that is known.</summary>
    public void Begin(string step, TimeSpan? expected = null)
    {
        lock (_gate)
        {
            _number++;
            _step = step;
            _stepExpected = expected;
            _detail = null;
            _inStep.Restart();
            _lastLine = _elapsed.Elapsed;
            if (_bar is null && !_quiet)
            {
                _log.WriteLine($"processmesh: [{_number}] {step} ({Format(_elapsed.Elapsed)} elapsed{Left()})");
            }

            Refresh();
        }
    }

    /// <summary>What the current step has done so far (calls, rate), shown live.</summary>
    public void Update(string detail)
    {
        lock (_gate)
        {
            _detail = detail;
            Refresh();
        }
    }

    /// <summary>Marks the current step done.</summary>
    public void End()
    {
        lock (_gate)
        {
            _inStep.Reset();
            _stepExpected = null;
            _detail = null;
        }
    }

    /// <summary>The estimate of the time left, or null before there is one.</summary>
    public TimeSpan? EstimateLeft()
    {
        lock (_gate)
        {
            var rest = Remaining();
            var current = _stepExpected is { } e && _inStep.IsRunning ? e - _inStep.Elapsed : TimeSpan.Zero;
            if (rest is null || (_inStep.IsRunning && rest == TimeSpan.Zero && current <= TimeSpan.Zero))
            {
                // No estimate; or only the step in flight is left and it has no estimate or has outrun its own:
                // "about 0.0 s left" for a step still running would be a figure nobody measured.
                return null;
            }

            return rest + (current > TimeSpan.Zero ? current : TimeSpan.Zero);
        }
    }

    private async Task<T> WithHeartbeatAsync<T>(Func<ProgressReporter, Task<T>> work)
    {
        using var stop = new CancellationTokenSource();
        var beat = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    Refresh();
                    if (_bar is null && _inStep.IsRunning && _elapsed.Elapsed - _lastLine >= HeartbeatInterval)
                    {
                        _lastLine = _elapsed.Elapsed;
                        _log.WriteLine($"processmesh:     {_step}: {_detail ?? "running"} ({Format(_inStep.Elapsed)} into it{Left()})");
                    }
                }
            }
        });
        try
        {
            return await work(this);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await beat;
            }
            catch (OperationCanceledException)
            {
                // the heartbeat stops with the work
            }
        }
    }

    private void Refresh()
    {
        if (_bar is null)
        {
            return;
        }

        var left = EstimateLeft();
        var done = _elapsed.Elapsed.TotalSeconds;
        if (left is { } l && done + l.TotalSeconds > 0)
        {
            _bar.Value = 1000 * done / (done + l.TotalSeconds);
        }

        _bar.Description = Markup.Escape($"[{_number}] {_step}{(_detail is null ? "" : $": {_detail}")}{Left()}");
    }

    private string Left() => EstimateLeft() is { } left ? $", about {Format(left)} left" : "";

    /// <summary>A duration for people: 0.4 s, 12 s, 2 min 05 s.</summary>
    public static string Format(TimeSpan t) => t.TotalSeconds < 10 ? $"{t.TotalSeconds:0.0} s" : t.TotalSeconds < 60 ? $"{t.TotalSeconds:0} s" : $"{(int)t.TotalMinutes} min {t.Seconds:00} s";
}
