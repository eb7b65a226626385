namespace ProcessMesh.Grains.Measurement;

/// <summary>
/// The silo process's memory at one moment, after a full blocking collection: the live managed heap and the
/// resident set (which also holds what the heap does not: thread stacks, touched native pages). Every model
/// reads memory per worker the same way: two readings, before its workers exist and once they all exist and
/// are parked, both before the clock starts.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.MemoryReading")]
public readonly record struct MemoryReading([property: Id(0)] long HeapBytes, [property: Id(1)] long ResidentBytes)
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

    /// <summary>
    /// The growth from <paramref name="before"/> to this reading, per worker (never negative). A worker's memory is
    /// the larger of the two growths: a grain lives in the managed heap, a thread's stack in the resident set but
    /// not the heap, and the resident set can under-read a heap that reuses pages the process touched before.
    /// </summary>
    public MemoryGrowth Since(MemoryReading before, int workers) => MemoryGrowth.Across([new SiloMemory(before, this)], workers);
}

/// <summary>Memory per worker: resident and heap growth, whether it was below the reading's resolution, and that resolution per worker.</summary>
[GenerateSerializer, Immutable, Alias("pm.MemoryGrowth")]
public readonly record struct MemoryGrowth(
    [property: Id(0)] long ResidentPerWorker, [property: Id(1)] long HeapPerWorker, [property: Id(2)] bool BelowResolution, [property: Id(3)] long ResolutionPerWorker)
{
    /// <summary>
    /// Memory per worker over every silo that held <paramref name="workers"/> between them: each silo's growth read
    /// as <see cref="MemoryReading.Since"/> reads one, summed, and divided by the workers. Each silo adds its own
    /// resolution, so the sum's is theirs together.
    /// </summary>
    public static MemoryGrowth Across(IReadOnlyCollection<SiloMemory> silos, int workers)
    {
        workers = Math.Max(1, workers);
        long worker = 0, heap = 0;
        foreach (var (before, after) in silos)
        {
            var residentGrowth = Math.Max(0, after.ResidentBytes - before.ResidentBytes);
            var heapGrowth = Math.Max(0, after.HeapBytes - before.HeapBytes);
            worker += Math.Max(residentGrowth, heapGrowth);
            heap += heapGrowth;
        }

        var resolution = MemoryReading.ResolutionBytes * Math.Max(1, silos.Count);
        return new MemoryGrowth(worker / workers, heap / workers, worker < resolution, (resolution + workers - 1) / workers);
    }
}
