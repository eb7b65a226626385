using System.Runtime.CompilerServices;

namespace ProcessMesh.Grains.Workloads.Stencil;

/// <summary>
/// 1-D heat diffusion with fixed zero boundaries. Every model evaluates <see cref="Cell"/> on the same inputs, so
/// each cell is bit-identical however the domain is split; the answer sums the cells' bit patterns (an integer
/// sum, so the order of summing does not matter).
/// </summary>
public static class StencilKernel
{
    private const double Alpha = 0.25;

    /// <summary>The starting temperature of cell <paramref name="i"/>.</summary>
    public static double Initial(long i) => (double)((ulong)i * 2654435761UL % 1000) / 1000.0;

    /// <summary>The next value of a cell from its left neighbour, itself and its right neighbour.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Cell(double left, double centre, double right) => centre + (Alpha * (left - (2 * centre) + right));

    /// <summary>
    /// One step of cells <paramref name="lo"/> .. <paramref name="hi"/>-1: each next cell from its neighbours in
    /// <paramref name="cur"/>. The measured phase's loop for processes, compiled optimized at its first call, not
    /// tiered, as the cpu kernel is (<see cref="Cpu.CpuKernel.Unit"/>): called once a step, its loop otherwise runs
    /// as tier-0 code on fresh silos until the JIT's tier-up gets to it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step(double[] cur, double[] next, int lo, int hi)
    {
        for (var j = lo; j < hi; j++)
        {
            next[j] = Cell(cur[j - 1], cur[j], cur[j + 1]);
        }
    }

    /// <summary>Adds the bit patterns of <paramref name="cells"/> into a checksum.</summary>
    public static ulong Checksum(ReadOnlySpan<double> cells)
    {
        ulong sum = 0;
        foreach (var c in cells)
        {
            sum = unchecked(sum + (ulong)BitConverter.DoubleToInt64Bits(c));
        }

        return sum;
    }

    /// <summary>The answer, computed on one thread with no partitioning.</summary>
    public static ulong Expected(long cells, int steps)
    {
        var a = new double[cells + 2];
        var b = new double[cells + 2];
        for (long i = 0; i < cells; i++)
        {
            a[i + 1] = Initial(i);
        }

        for (var t = 0; t < steps; t++)
        {
            for (long i = 1; i <= cells; i++)
            {
                b[i] = Cell(a[i - 1], a[i], a[i + 1]);
            }

            (a, b) = (b, a);
        }

        return Checksum(a.AsSpan(1, (int)cells));
    }
}
