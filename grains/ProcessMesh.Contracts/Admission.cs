namespace ProcessMesh.Contracts;

/// <summary>Refuses, before anything starts, a request whose memory would not fit.</summary>
public static class Admission
{
    /// <summary>
    /// Bytes one idle process grain costs beyond its private memory (activation, message queue, directory entry):
    /// an estimate with headroom, kept above what the benchmarks measure.
    /// </summary>
    public const long ProcessOverheadBytes = 4 * 1024;

    /// <summary>Bytes one thread worker costs: the stack the OS may commit for it.</summary>
    public const long ThreadOverheadBytes = 1024 * 1024;

    /// <summary>Share of the available memory a run may use; the rest is left to the silo and the OS.</summary>
    public const double UsableFraction = 0.8;

    /// <summary>
    /// The memory a run will need, bytes (saturating rather than overflowing); with <paramref name="costs"/>, each
    /// process worker also holds its emulated process's footprint: what a real deployment needs, held or modelled.
    /// <paramref name="threads"/>: the model's workers are threads (<see cref="ModelTraits.Threads"/>), each costing its stack.
    /// </summary>
    public static double EstimateBytes(RunSpec spec, bool threads, CostModel? costs = null)
    {
        var perWorker = threads ? ThreadOverheadBytes : ProcessOverheadBytes + (double)spec.MemoryBytes + (costs?.FootprintBytesFor(spec.Workers) ?? 0);
        return spec.Workers * perWorker;
    }

    /// <summary>Null when a load test's population fits in <paramref name="availableBytes"/>, else why not.</summary>
    public static Refusal? Check(LoadSpec spec, long availableBytes)
    {
        var need = spec.Grains * (ProcessOverheadBytes + (double)spec.MemoryBytes);
        var usable = availableBytes * UsableFraction;
        return need <= usable
            ? null
            : new Refusal(RefusedSetting.Grains, $"{spec.Grains:N0} grains need about {Bytes.Format(need)}, more than the {Bytes.Format(usable)} this cluster can give a run ({UsableFraction:P0} of {Bytes.Format(availableBytes)} available)");
    }

    /// <summary>
    /// Null when the run fits in <paramref name="availableBytes"/>, else why not. An emulated process
    /// (<paramref name="costs"/>) holds its footprint and is refused when it cannot; a modelled footprint is not
    /// allocated, so it is never refused for it. <paramref name="threads"/>: the model's workers are threads.
    /// </summary>
    public static Refusal? Check(RunSpec spec, bool threads, long availableBytes, CostModel? costs = null)
    {
        var held = costs is not null && spec.Footprint != Emulation.Modelled ? costs : null;
        var need = EstimateBytes(spec, threads, held);
        var usable = availableBytes * UsableFraction;
        if (need <= usable)
        {
            return null;
        }

        var what = held is null
            ? $"{spec.Workers:N0} {spec.Model} workers"
            : $"{spec.Workers:N0} emulated {held.Profile} processes ({Bytes.Format(held.FootprintBytesFor(spec.Workers))} footprint each, held)";
        return new Refusal(
            RefusedSetting.Memory,
            $"{what} need about {Bytes.Format(need)}, more than the {Bytes.Format(usable)} this cluster can give a run ({UsableFraction:P0} of {Bytes.Format(availableBytes)} available)" +
            (held is null ? "" : "; a modelled footprint is counted without being allocated"));
    }
}
