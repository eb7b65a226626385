using System.CommandLine;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// How a <c>process</c> worker is a process: <c>--emulate</c>, <c>--ipc</c>, <c>--footprint</c> (docs/emulation.md).
/// Checked together, before anything runs, against the models asked for.
/// </summary>
internal sealed class EmulationOptions
{
    public Option<string> Emulate { get; } = OptionParsing.Defaulted(new Option<string>("--emulate")
    {
        Description = "process: what each worker pays to be a process. grain: what an Orleans grain costs, nothing added. " +
                      "dotnet, python: what a .NET or CPython OS process costs on this machine, from its calibration " +
                      "('processmesh calibrate'): its memory held, its start paid before the clock, and per message the CPU " +
                      "each side burns (spun, so cores are really taken) and the latency beyond it (waited).",
        HelpName = string.Join('|', Emulation.Profiles),
        CustomParser = r => OptionParsing.OneOf(r, "--emulate", Emulation.Profiles),
    }, Contracts.Emulation.Grain, Contracts.Emulation.Grain);

    public Option<string?> Ipc { get; } = new("--ipc")
    {
        Description = "The IPC emulated processes pay for: pipe, uds or tcp (--emulate dotnet, and --model os); " +
                      "pipe or queue (--emulate python: multiprocessing.Pipe, multiprocessing.Queue). Default: pipe.",
        HelpName = "pipe|uds|tcp|queue",
        CustomParser = r => OptionParsing.OneOf(r, "--ipc", [.. Emulation.IpcsOf(Contracts.Emulation.DotNet).Union(Emulation.IpcsOf(Contracts.Emulation.Python))]),
    };

    public Option<string> Footprint { get; } = OptionParsing.Defaulted(new Option<string>("--footprint")
    {
        Description = "held: each emulated process really allocates and touches its calibrated memory, so admission refuses " +
                      "what this machine cannot hold. modelled: counted, not allocated (nor its start paid), to ask what " +
                      "100,000 processes would need without owning that memory; memory figures then say modelled.",
        HelpName = $"{Contracts.Emulation.Held}|{Contracts.Emulation.Modelled}",
        CustomParser = r => OptionParsing.OneOf(r, "--footprint", [Contracts.Emulation.Held, Contracts.Emulation.Modelled]),
    }, Contracts.Emulation.Held, Contracts.Emulation.Held);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Emulate);
        command.Options.Add(Ipc);
        command.Options.Add(Footprint);
    }

    /// <summary><paramref name="spec"/> with the emulation asked for: the profile and footprint for process workers, the IPC for process and os workers.</summary>
    public RunSpec Apply(ParseResult parse, RunSpec spec) => spec with
    {
        Emulate = spec.Model == Models.Process ? parse.GetValue(Emulate) ?? Contracts.Emulation.Grain : Contracts.Emulation.Grain,
        Ipc = spec.Model is Models.Process or Models.Os ? parse.GetValue(Ipc) : null,
        Footprint = parse.GetValue(Footprint) ?? Contracts.Emulation.Held,
    };

    /// <summary>Null when the emulation options make sense for <paramref name="models"/>, else why not, in one line naming the option.</summary>
    public string? Check(ParseResult parse, IReadOnlyCollection<string> models)
    {
        var profile = parse.GetValue(Emulate) ?? Contracts.Emulation.Grain;
        var ipc = parse.GetValue(Ipc);
        var process = models.Contains(Models.Process);
        if (parse.GetResult(Emulate) is { Implicit: false } && !process)
        {
            return $"--emulate: only the process model emulates processes; {string.Join(", ", models)} workers are threads or real processes (add --model process)";
        }

        if (ipc is not null)
        {
            if (models.Contains(Models.Os) && !Emulation.OsIpcs.Contains(ipc))
            {
                return $"--ipc: --model os talks over {string.Join(", ", Emulation.OsIpcs)}, not '{ipc}'";
            }

            if (process && CostModel.WhyNot(profile, ipc) is { } problem && !(profile == Contracts.Emulation.Grain && models.Contains(Models.Os)))
            {
                return Execution.Refused(problem);
            }

            if (!process && !models.Contains(Models.Os))
            {
                return "--ipc: only emulated processes (--model process --emulate dotnet|python) and real ones (--model os) send IPC messages";
            }
        }

        if (parse.GetValue(Footprint) == Contracts.Emulation.Modelled && (!process || profile == Contracts.Emulation.Grain))
        {
            return "--footprint modelled: there is no calibrated process to model; give --model process with --emulate dotnet or python";
        }

        if (process && profile == Contracts.Emulation.Python && !OnPath("python3"))
        {
            return "--emulate python: python3 is not on PATH (the emulation answers to CPython measured on this machine; install it, or use --emulate dotnet)";
        }

        return null;
    }

    /// <summary>Whether <paramref name="executable"/> is a file in a directory of PATH.</summary>
    internal static bool OnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, executable)));
}
