using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// A silo's source of the costs an emulated process pays: the run's own calibration (<c>--calibration FILE</c>) when
/// it carries one, else this silo's (<see cref="ICalibrationSource"/>, quick allowed), read once and kept.
/// </summary>
public sealed class ProcessCosts(IServiceProvider services)
{
    private readonly Lock _gate = new();
    private Task<Calibration>? _silo;

    /// <summary>
    /// The cost model of <paramref name="spec"/>'s profile and IPC; null for <c>grain</c>. Throws
    /// <see cref="ArgumentException"/> with one line naming the option when there is nothing to emulate from.
    /// </summary>
    public async Task<CostModel?> ForAsync(RunSpec spec)
    {
        if (spec.Emulate == Emulation.Grain)
        {
            return null;
        }

        var calibration = spec.Calibration ?? await SiloCalibrationAsync(spec.Emulate);
        return CostModel.For(spec.Emulate, spec.Ipc, calibration);
    }

    private Task<Calibration> SiloCalibrationAsync(string profile)
    {
        var source = services.GetService<ICalibrationSource>()
            ?? throw new ArgumentException($"--emulate {profile}: this silo has no calibration to emulate from (run 'processmesh calibrate' where it runs, or give --calibration FILE)");
        lock (_gate)
        {
            // A failed read is not kept: the next run asks again.
            if (_silo is null || _silo.IsFaulted || _silo.IsCanceled)
            {
                _silo = source.GetAsync(quick: true, CancellationToken.None);
            }

            return _silo;
        }
    }
}
