using System.CommandLine;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>The options every measuring verb takes: workload sizes, repetition, output and the cluster.</summary>
internal sealed class SharedOptions
{
    private const long MaxWork = 1_000_000_000_000;

    /// <summary>Output and cluster options.</summary>
    public CommonOptions Common { get; } = new();

    /// <summary>How a process worker is a process: --emulate, --ipc, --footprint.</summary>
    public EmulationOptions Emulation { get; } = new();

    public Option<Workload> Workload { get; } = OptionParsing.Defaulted(new Option<Workload>("--workload")
    {
        Description = $"What to run: {string.Join(", ", BuiltIn.Workloads)} (the cluster lists what it runs: processmesh cluster catalog).",
        HelpName = "NAME",
        CustomParser = r => new Workload(OptionParsing.Name(r, "--workload")),
    }, Contracts.Workload.Cpu, "cpu");

    public Option<long> Work { get; } = new("--work")
    {
        Description = "Total work units: compute units (~1 µs each), I/O waits, increments, stencil cells, round trips or hops. Default: the workload's.",
        HelpName = "N",
        CustomParser = r => OptionParsing.Whole(r, "--work", r.Tokens.Single().Value, 1, MaxWork),
    };

    public Option<long> Granularity { get; } = new("--granularity")
    {
        Description = "Work units per message (the process model) or per chunk (the thread models). Default: the workload's (cpu 1000, trapezoid 10000, others 1).",
        HelpName = "N",
        CustomParser = r => OptionParsing.Whole(r, "--granularity", r.Tokens.Single().Value, 1, MaxWork),
    };

    public Option<long> Payload { get; } = OptionParsing.Defaulted(new Option<long>("--payload")
    {
        Description = "Extra payload bytes every message carries (512, 4KiB, 1MiB).",
        HelpName = "SIZE",
        CustomParser = r => OptionParsing.Size(r, "--payload", r.Tokens.Single().Value, 64L << 20),
    }, 0, "0");

    public Option<long> Memory { get; } = OptionParsing.Defaulted(new Option<long>("--memory")
    {
        Description = "Private memory each process allocates and touches (64KiB, 16MiB).",
        HelpName = "SIZE",
        CustomParser = r => OptionParsing.Size(r, "--memory", r.Tokens.Single().Value, Array.MaxLength),
    }, 0, "0");

    public Option<SyncPrimitive> Sync { get; } = OptionParsing.Enum("--sync", "How threads guard shared state; 'none' loses updates, and counts them.", SyncPrimitive.Lock);

    public Option<double> SwitchInterval { get; } = OptionParsing.Defaulted(new Option<double>("--switch-interval")
    {
        Description = "gil: milliseconds a thread may hold the interpreter lock while others wait (CPython's sys.getswitchinterval()).",
        HelpName = "MS",
        CustomParser = r => OptionParsing.Number(r, "--switch-interval", r.Tokens.Single().Value, 0.01, 10_000),
    }, 5, "5");

    public Option<bool> Native { get; } = new("--native")
    {
        Description = "gil: compute runs as native code that releases the interpreter lock (a C extension).",
    };

    public Option<int> Steps { get; } = new("--steps")
    {
        Description = "stencil: time steps. Default: 200.",
        HelpName = "N",
        CustomParser = r => (int)OptionParsing.Whole(r, "--steps", r.Tokens.Single().Value, 1, 10_000_000),
    };

    public Option<double> IoMillis { get; } = new("--io-ms")
    {
        Description = "io: milliseconds each simulated I/O blocks. Default: 2.",
        HelpName = "MS",
        CustomParser = r => OptionParsing.Number(r, "--io-ms", r.Tokens.Single().Value, 0.001, 60_000),
    };

    public Option<string> Placement { get; } = OptionParsing.Defaulted(new Option<string>("--placement")
    {
        Description = "process: where workers live. spread deals them round-robin over the silos, local keeps them on the coordinator's silo, default picks a silo at random for each.",
        HelpName = string.Join('|', Placements.All),
        CustomParser = r => OptionParsing.OneOf(r, "--placement", Placements.All),
    }, Placements.Spread, Placements.Spread);

    public Option<TimeSpan> TimeLimit { get; } = OptionParsing.Defaulted(new Option<TimeSpan>("--time-limit")
    {
        Description = "The longest one measured run may take (30s, 10m); past it the run stops and reports what completed.",
        HelpName = "DURATION",
        CustomParser = r => OptionParsing.Duration(r, "--time-limit", r.Tokens.Single().Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)),
    }, TimeSpan.FromSeconds(RunSpec.DefaultTimeLimitSeconds), "10m");

    public Option<int> Repeats { get; } = OptionParsing.Repeats();

    public Option<int> Warmup { get; } = OptionParsing.Warmup();

    /// <summary>Adds every shared option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        Option[] all = [Workload, Work, Granularity, Payload, Memory, Sync, SwitchInterval, Native, Steps, IoMillis, Placement, TimeLimit, Repeats, Warmup];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }

        Emulation.AddTo(command);
        Common.AddTo(command);
        Common.AddCalibrationTo(command);
    }

    /// <summary>The spec for one model and worker count, from what was parsed.</summary>
    public RunSpec Spec(ParseResult parse, string model, int workers) => Emulation.Apply(parse, new()
    {
        Model = model,
        Workload = parse.GetValue(Workload),
        Workers = workers,
        Work = parse.GetValue(Work),
        Granularity = parse.GetValue(Granularity),
        PayloadBytes = (int)parse.GetValue(Payload),
        MemoryBytes = parse.GetValue(Memory),
        Sync = parse.GetValue(Sync),
        SwitchIntervalMs = parse.GetValue(SwitchInterval),
        Native = parse.GetValue(Native),
        Steps = parse.GetValue(Steps),
        IoMillis = parse.GetValue(IoMillis),
        Placement = parse.GetValue(Placement) ?? Placements.Spread,
        TimeLimitSeconds = parse.GetValue(TimeLimit).TotalSeconds,
        Calibration = parse.GetValue(Common.CalibrationFile),
    });

    /// <summary>The repetition the user asked for.</summary>
    public Experiment Experiment(ParseResult parse) => new(parse.GetValue(Repeats), parse.GetValue(Warmup));
}
