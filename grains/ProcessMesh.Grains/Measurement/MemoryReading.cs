namespace ProcessMesh.Grains.Measurement;

/// <summary>
/// The silo process's memory at one moment, after a full blocking collection: the live managed heap and the
/// resident set (which also holds what the heap does not: thread stacks, touched native pages). Every model
/// reads memory per worker the same way: two readings, before its workers exist and once they all exist and
/// are parked, both before the clock starts.
/// </summary>
public readonly record struct MemoryReading(long HeapBytes, long ResidentBytes)
{
    /// <summary>
    /// The smallest growth of the resident set this reading can tell from noise: the runtime commits and returns
    /// memory in blocks of this order whatever the workers do.
    /// </summary>
    public const long ResolutionBytes = 1024 * 1024;

    /// <summary>Collects fully, then reads.</summary>
    public static MemoryReading Take()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        return new MemoryReading(heap, Environment.WorkingSet);
    }

    /// <summary>The growth from <paramref name="before"/> to this reading, per worker (never negative).</summary>
    public MemoryGrowth Since(MemoryReading before, int workers)
    {
        var resident = Math.Max(0, ResidentBytes - before.ResidentBytes);
        var heap = Math.Max(0, HeapBytes - before.HeapBytes);
        return new MemoryGrowth(resident / workers, heap / workers, resident < ResolutionBytes, (ResolutionBytes + workers - 1) / workers);
    }
}

/// <summary>Memory per worker: resident and heap growth, whether it was below the reading's resolution, and that resolution per worker.</summary>
[GenerateSerializer, Immutable, Alias("pm.MemoryGrowth")]
public readonly record struct MemoryGrowth(
    [property: Id(0)] long ResidentPerWorker, [property: Id(1)] long HeapPerWorker, [property: Id(2)] bool BelowResolution, [property: Id(3)] long ResolutionPerWorker);
