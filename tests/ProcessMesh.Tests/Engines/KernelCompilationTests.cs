using System.Reflection;
using ProcessMesh.Grains.Workloads.Cpu;
using ProcessMesh.Grains.Workloads.Stencil;
using ProcessMesh.Grains.Workloads.Trapezoid;

namespace ProcessMesh.Tests.Engines;

/// <summary>
/// The loops a measured phase spends its time in are compiled optimized at their first call
/// (<see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>), not run as tier-0 code
/// on fresh silos until the JIT's tier-up reaches them (docs/faults.md, "Kernels on fresh silos").
/// </summary>
public sealed class KernelCompilationTests
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;

    public static TheoryData<string, string> Kernels => new()
    {
        { typeof(CpuKernel).FullName!, nameof(CpuKernel.Unit) },
        { typeof(CpuKernel).FullName!, nameof(CpuKernel.Range) },
        { typeof(TrapezoidWorkload).FullName!, nameof(TrapezoidWorkload.Range) },
        { typeof(TrapezoidWorkload).FullName!, nameof(TrapezoidWorkload.F) },
        { typeof(StencilKernel).FullName!, nameof(StencilKernel.Step) },
        { typeof(StencilWorkload).FullName! + "+Threads", "Update" },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_workloads_kernel_is_compiled_optimized_at_its_first_call(string type, string method)
    {
        var kernel = typeof(CpuKernel).Assembly.GetType(type, throwOnError: true)!.GetMethod(method, Any)
            ?? throw new MissingMethodException(type, method);
        Assert.True(
            kernel.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization),
            $"{type}.{method} is not marked [MethodImpl(MethodImplOptions.AggressiveOptimization)]: on fresh silos it starts as tier-0 code inside the measured phase");
    }

    [Fact]
    public void A_stencil_step_computes_every_cell_of_its_range_and_no_other()
    {
        double[] cur = [0, 1, 2, 4, 8, 0];
        var next = new double[cur.Length];
        StencilKernel.Step(cur, next, 1, 5);
        Assert.Equal([0, StencilKernel.Cell(0, 1, 2), StencilKernel.Cell(1, 2, 4), StencilKernel.Cell(2, 4, 8), StencilKernel.Cell(4, 8, 0), 0], next);
    }
}
