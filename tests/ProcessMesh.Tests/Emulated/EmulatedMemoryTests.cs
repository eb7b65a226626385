using ProcessMesh.Contracts;
using ProcessMesh.Tests.Engines;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// An emulated process really holds its calibrated footprint, read as every model's memory is, on a silo process of
/// its own (see <see cref="MemoryFixture"/>); a modelled one is counted and not held.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class EmulatedMemoryTests(MemoryFixture silo)
{
    private const long Footprint = 4L << 20;

    private static RunSpec Spec(string footprint) => new()
    {
        Model = Models.Process,
        Workload = Workload.Counter,
        Workers = 8,
        Work = 100,
        Emulate = Contracts.Emulation.DotNet,
        Footprint = footprint,
        Calibration = SyntheticCalibration.With(footprintBytes: Footprint, startMicros: 0),
    };

    [Fact]
    public async Task A_held_footprint_shows_in_memory_per_worker()
    {
        var result = await silo.RunAsync(Spec(Contracts.Emulation.Held));

        Assert.True(result.Correct);
        Assert.False(result.MemoryBelowResolution, $"8 held footprints of 4 MiB read as below resolution ({result.MemoryPerWorkerBytes} B per worker)");
        Assert.InRange(result.MemoryPerWorkerBytes, Footprint * 0.9, Footprint * 3);
        Assert.InRange(result.HeapPerWorkerBytes, Footprint * 0.95, Footprint * 1.5);
    }

    [Fact]
    public async Task A_modelled_footprint_is_counted_but_not_held()
    {
        var result = await silo.RunAsync(Spec(Contracts.Emulation.Modelled));

        Assert.True(result.Correct);
        Assert.InRange(result.MemoryPerWorkerBytes, Footprint, Footprint * 3);
        Assert.True(result.HeapPerWorkerBytes < Footprint / 4, $"a modelled footprint was allocated: {result.HeapPerWorkerBytes} B of heap per worker");
    }
}
