using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Workloads;

/// <summary>The one answer each workload must produce, whatever model runs it.</summary>
public static class Answers
{
    /// <summary>The expected answer of a resolved spec.</summary>
    public static ulong Expected(RunSpec spec) => spec.Workload switch
    {
        Workload.Cpu => CpuKernel.Expected(spec.Work),
        Workload.Io => IoKernel.Expected(spec.Work),
        Workload.Counter => (ulong)spec.Work,
        Workload.Stencil => StencilKernel.Expected(spec.Work, spec.Steps),
        Workload.PingPong => (ulong)spec.Work,
        Workload.Ring => Ring(spec.Work, spec.Workers),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Workload, "unknown workload"),
    };

    /// <summary>Hop h lands on worker h mod W, which adds its index to the token.</summary>
    private static ulong Ring(long hops, int workers)
    {
        var laps = (ulong)(hops / workers);
        var rest = (ulong)(hops % workers);
        var w = (ulong)workers;
        return unchecked((laps * (w * (w - 1) / 2)) + (rest * (rest + 1) / 2));
    }
}
