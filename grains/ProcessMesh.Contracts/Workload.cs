namespace ProcessMesh.Contracts;

/// <summary>What a run stresses. Every model executes every workload with the same total work and answer.</summary>
public enum Workload
{
    /// <summary>Pure compute, split across workers.</summary>
    Cpu,

    /// <summary>Blocking waits (simulated I/O).</summary>
    Io,

    /// <summary>Contention on one piece of state.</summary>
    Counter,

    /// <summary>1-D heat diffusion: neighbours exchange boundary cells every step.</summary>
    Stencil,

    /// <summary>The latency of one hand-off and its reply, in concurrent pairs.</summary>
    PingPong,

    /// <summary>A token passed around all workers.</summary>
    Ring,
}
