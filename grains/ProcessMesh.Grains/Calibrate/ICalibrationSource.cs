using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// Where a silo reads what real processes cost on its own machine: the cached calibration when one describes this
/// machine, else one measured now. The one source every emulated cost and every "what a process costs" figure reads.
/// </summary>
public interface ICalibrationSource
{
    /// <summary>
    /// This machine's calibration: the cached one when it exists and names this machine, else measured now and cached
    /// (<paramref name="quick"/>: the quick calibration of a first run, a few seconds, when no full one is cached).
    /// </summary>
    Task<Calibration> GetAsync(bool quick, CancellationToken cancellationToken);
}
