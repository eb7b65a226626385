using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>Calibrates the machine of the silo its key names (see <see cref="SiloTargetPlacement"/>): the processes it measures run there.</summary>
[SiloTargetPlacement]
internal sealed class CalibrationGrain(CalibrationSource source) : Grain, ICalibrationGrain
{
    public Task<Calibration> Calibrate(bool quick, bool again) => source.GetAsync(quick, again, CancellationToken.None);

    public Task<CalibrationProgress> Progress() => Task.FromResult(source.Current);

    public Task<string> Host() => Task.FromResult(Environment.MachineName);
}
