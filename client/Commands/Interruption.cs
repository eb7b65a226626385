using System.Runtime.InteropServices;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM of the CLI: the first stops the work in flight (through the verbs' cancellation
/// token) so each verb prints what completed and marks what was cut short, and the CLI exits 130 or 143 as a
/// shell expects; a second one exits at once.
/// </summary>
internal static class Interruption
{
    private static volatile string? _signal;

    /// <summary>The exit code for the signal received (130 SIGINT, 143 SIGTERM), or null when none was.</summary>
    public static int? ExitCode => _signal switch
    {
        "SIGINT" => 130,
        "SIGTERM" => 143,
        _ => null,
    };

    /// <summary>Cancels <paramref name="interrupt"/> on the first SIGINT or SIGTERM; dispose to stop listening.</summary>
    public static IDisposable Handle(CancellationTokenSource interrupt)
    {
        void On(PosixSignalContext context, string name)
        {
            context.Cancel = true; // the CLI exits by itself once the verb has printed what completed
            if (_signal is not null)
            {
                Environment.Exit(ExitCode ?? 130);
            }

            _signal = name;
            Console.Error.WriteLine($"processmesh: {name}: stopping the run in flight; what completed is printed (again to exit now)");
            interrupt.Cancel();
        }

        return new Registrations(
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => On(c, "SIGINT")),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => On(c, "SIGTERM")));
    }

    /// <summary>The line that marks the run an interruption cut short, or nothing when none was.</summary>
    public static IEnumerable<string> Line(string? interrupted, int completed) => interrupted is null
        ? []
        : [$"{interrupted} ({_signal ?? "interrupted"}); {completed} record{(completed == 1 ? "" : "s")} completed before it"];

    private sealed class Registrations(params IDisposable[] all) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in all)
            {
                registration.Dispose();
            }
        }
    }
}
