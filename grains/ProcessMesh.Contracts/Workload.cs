namespace ProcessMesh.Contracts;

/// <summary>
/// What a run stresses, by name. Every model executes every workload with the same total work and answer. A
/// workload is defined by one folder in the grains project (its kernel, answer, defaults and its protocol for
/// each model); this is only its name, so adding one never edits the contracts. The built-in names are here
/// for code that asks for one of them by name.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.Workload")]
public readonly record struct Workload([property: Id(0)] string Name)
{
    /// <summary>Pure compute, split across workers.</summary>
    public static readonly Workload Cpu = new("cpu");

    /// <summary>Blocking waits (simulated I/O).</summary>
    public static readonly Workload Io = new("io");

    /// <summary>Contention on one piece of state.</summary>
    public static readonly Workload Counter = new("counter");

    /// <summary>1-D heat diffusion: neighbours exchange boundary cells every step.</summary>
    public static readonly Workload Stencil = new("stencil");

    /// <summary>The latency of one hand-off and its reply, in concurrent pairs.</summary>
    public static readonly Workload PingPong = new("pingpong");

    /// <summary>A token passed around all workers.</summary>
    public static readonly Workload Ring = new("ring");

    /// <summary>The name, as the CLI spells it.</summary>
    public override string ToString() => Name ?? "";
}
