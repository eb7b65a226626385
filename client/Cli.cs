using System.CommandLine;
using ProcessMesh.Cli.Commands;

namespace ProcessMesh.Cli;

/// <summary>The <c>processmesh</c> command line.</summary>
internal static class Cli
{
    /// <summary>The root command with every verb.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            ProcessMesh measures what process isolation costs and what parallelism it buys: the same workload run by
            isolated processes (Orleans grains that talk by message), by threads sharing memory, and by threads under
            an interpreter lock (as in CPython), side by side.

            With no --gateway, every verb hosts a silo in this process and stops it at the end.
            Start with: processmesh compare --workload cpu --workers 1,2
            (processmesh is 'dotnet run --project client -c Release --' in a clone, or the installed .NET tool.)
            """);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(Scenarios.ScenarioCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; a parse error is one line on standard error and exit code 2.</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Build().Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command is RootCommand ? "" : $" {parse.CommandResult.Command.Name}";
            return Execution.Fail($"{parse.Errors[0].Message} (see 'processmesh{verb} --help')", Execution.BadInput);
        }

        if (Help.IsRequested(parse))
        {
            return Help.Write(parse, Console.Out);
        }

        // Our own signal handling, not System.CommandLine's: its handler exits 2 s after the signal, before a verb
        // has printed what completed and stopped its client.
        using var interrupt = new CancellationTokenSource();
        using var signals = Interruption.Handle(interrupt);
        var code = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupt.Token);
        return Interruption.ExitCode ?? code;
    }
}
