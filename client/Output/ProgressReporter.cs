using System.Diagnostics;
using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// Progress on standard error: a live bar with the current step, elapsed time and ETA on a terminal, or one
/// line a step when standard error is a file or a pipe (CI logs). Standard output stays clean for results.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly int _total;
    private readonly bool _quiet;
    private ProgressTask? _bar;
    private int _done;

    private ProgressReporter(int total, bool quiet)
    {
        _total = total;
        _quiet = quiet;
    }

    /// <summary>Runs <paramref name="work"/>, which will report <paramref name="total"/> steps.</summary>
    public static async Task<T> RunAsync<T>(string title, int total, bool quiet, Func<ProgressReporter, Task<T>> work)
    {
        var reporter = new ProgressReporter(total, quiet);
        if (quiet)
        {
            return await work(reporter);
        }

        if (Console.IsErrorRedirected)
        {
            await Console.Error.WriteLineAsync($"processmesh: {title}");
            return await work(reporter);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                reporter._bar = ctx.AddTask(Markup.Escape(title), maxValue: total);
                return await work(reporter);
            });
    }

    /// <summary>Announces the step about to run.</summary>
    public void Begin(string step)
    {
        if (_bar is not null)
        {
            _bar.Description = Markup.Escape($"[{_done + 1}/{_total}] {step}");
        }
        else if (!_quiet)
        {
            var eta = _done == 0 ? "" : $", about {Format(_elapsed.Elapsed / _done * (_total - _done))} left";
            Console.Error.WriteLine($"processmesh: [{_done + 1}/{_total}] {step} ({Format(_elapsed.Elapsed)} elapsed{eta})");
        }
    }

    /// <summary>Marks the current step done.</summary>
    public void End()
    {
        _done++;
        _bar?.Increment(1);
    }

    private static string Format(TimeSpan t) => t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.0} s" : $"{(int)t.TotalMinutes} min {t.Seconds:00} s";
}
