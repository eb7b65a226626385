namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// One simulated I/O: a wait on the runtime's timer (the same device for every model, so its resolution is not
/// mistaken for a model's cost), returning a value derived from the unit's index, so lost or doubled waits show.
/// A process awaits it; a thread blocks on it.
/// </summary>
public static class IoKernel
{
    /// <summary>The wait itself.</summary>
    public static Task Wait(double milliseconds) => Task.Delay(TimeSpan.FromMilliseconds(milliseconds));

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
