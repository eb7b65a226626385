namespace ProcessMesh.Grains.Workloads;

/// <summary>What one simulated I/O returns: a value derived from its index, so lost or doubled waits show.</summary>
public static class IoKernel
{
    /// <summary>The value I/O unit <paramref name="k"/> reads.</summary>
    public static ulong Value(long k)
    {
        var s = CpuKernel.Seed(k);
        return s ^ (s >> 29);
    }

    /// <summary>The sum of every unit's value.</summary>
    public static ulong Expected(long work)
    {
        ulong sum = 0;
        for (long k = 0; k < work; k++)
        {
            sum = unchecked(sum + Value(k));
        }

        return sum;
    }
}
