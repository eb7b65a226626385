using System.Runtime.CompilerServices;

namespace ProcessMesh.Grains.Workloads.Cpu;

/// <summary>
/// The compute unit every model runs: <see cref="StepsPerUnit"/> dependent steps of a 64-bit linear congruential
/// generator seeded from the unit's index. The loop cannot be vectorised or skipped by the JIT, yet its answer
/// has a closed form (an affine map composed with itself), so a run is checked without being repeated.
/// </summary>
public static class CpuKernel
{
    /// <summary>Generator steps in one work unit (about a microsecond on a current core).</summary>
    public const int StepsPerUnit = 1000;

    private const ulong Multiplier = 6364136223846793005UL;
    private const ulong Increment = 1442695040888963407UL;
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The starting state of unit <paramref name="k"/>.</summary>
    public static ulong Seed(long k) => unchecked(((ulong)k * Golden) + 1);

    /// <summary>Computes one unit.</summary>
    /// <remarks>
    /// Compiled optimized at its first call, not tiered: a fresh silo otherwise runs it as unoptimized tier-0 code
    /// until the JIT's background tier-up gets to it, which on a loaded machine took a whole run. The first cpu run on
    /// 3 fresh silos (6 workers, 6,000,000 units, load average 18-37) used 38 and 44 CPU-seconds and took 60 s (once
    /// past its 60 s limit); the same run on the same silos warm, 11 CPU-seconds and 10-15 s. Compiled at once, the
    /// first run on fresh silos used 16 CPU-seconds in 19-21 s (load average 28-33). Every run measures the kernel,
    /// not the JIT.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static ulong Unit(long k)
    {
        var x = Seed(k);
        for (var i = 0; i < StepsPerUnit; i++)
        {
            x = unchecked((x * Multiplier) + Increment);
        }

        return x;
    }

    /// <summary>The sum (mod 2^64) of units <paramref name="first"/> .. first+count-1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Range(long first, long count)
    {
        ulong sum = 0;
        for (var k = first; k < first + count; k++)
        {
            sum = unchecked(sum + Unit(k));
        }

        return sum;
    }

    /// <summary>The sum of all <paramref name="work"/> units, in closed form.</summary>
    public static ulong Expected(long work)
    {
        // Unit(k) = A·Seed(k) + C for the composed map (A, C); Seed is affine in k, so the sum is too.
        ulong a = 1, c = 0;
        for (var i = 0; i < StepsPerUnit; i++)
        {
            a = unchecked(a * Multiplier);
            c = unchecked((c * Multiplier) + Increment);
        }

        var n = (ulong)work;
        var triangle = n % 2 == 0 ? unchecked(n / 2 * (n - 1)) : unchecked(n * ((n - 1) / 2));
        var seeds = unchecked((Golden * triangle) + n);
        return unchecked((a * seeds) + (c * n));
    }
}
