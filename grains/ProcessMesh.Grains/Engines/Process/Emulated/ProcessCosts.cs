using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// A silo's source of the costs an emulated process pays: the run's own calibration (<c>--calibration FILE</c>) when
/// it carries one, else this silo's (<see cref="ICalibrationSource"/>, quick allowed), read once and kept; less what
/// a grain call already costs on this silo (<see cref="GrainCallAsync"/>), measured once and kept.
/// </summary>
public sealed class ProcessCosts(IServiceProvider services)
{
    private readonly Lock _gate = new();
    private Task<Calibration>? _silo;
    private Task<(double, double)>? _grainCall;

    /// <summary>
    /// The cost model of <paramref name="spec"/>'s profile and IPC; null for <c>grain</c>. Throws
    /// <see cref="RunRefusedException"/> naming the setting when there is nothing to emulate from.
    /// </summary>
    public async Task<CostModel?> ForAsync(RunSpec spec)
    {
        if (spec.Emulate == Emulation.Grain)
        {
            return null;
        }

        var calibration = spec.Calibration ?? await SiloCalibrationAsync(spec.Emulate);
        var costs = CostModel.For(spec.Emulate, spec.Ipc, calibration)!;
        var (oneWay, cpu) = await GrainCallAsync();
        return costs.WithGrainCall(oneWay, cpu);
    }

    /// <summary>
    /// What one grain call between two workers costs on this silo, one way: latency and CPU, microseconds. Measured
    /// once, at the first emulated run (before any worker starts, while the silo is quiet): the fastest of a few
    /// batches of round trips, so a busy moment does not make the emulation pay too little.
    /// </summary>
    public Task<(double OneWayMicros, double CpuMicros)> GrainCallAsync()
    {
        lock (_gate)
        {
            if (_grainCall is null || _grainCall.IsFaulted || _grainCall.IsCanceled)
            {
                _grainCall = MeasureGrainCallAsync();
            }

            return _grainCall;
        }
    }

    private async Task<(double, double)> MeasureGrainCallAsync()
    {
        const int Rounds = 2_000;
        var grains = services.GetRequiredService<IGrainFactory>();
        var pinger = grains.GetGrain<IGrainCallProbeGrain>(Guid.NewGuid());
        var ponger = grains.GetGrain<IGrainCallProbeGrain>(Guid.NewGuid());
        await pinger.Bounce(ponger, Rounds / 4); // warm: activations, JIT
        var (oneWay, cpu) = (double.MaxValue, double.MaxValue);
        for (var batch = 0; batch < 3; batch++)
        {
            var clock = Measurement.PhaseClock.Start();
            await pinger.Bounce(ponger, Rounds);
            var (wall, used) = clock.Stop();
            oneWay = Math.Min(oneWay, wall * 1e6 / (2 * Rounds));
            cpu = Math.Min(cpu, used * 1e6 / (2 * Rounds));
        }

        return (oneWay, cpu);
    }

    private Task<Calibration> SiloCalibrationAsync(string profile)
    {
        var source = services.GetService<ICalibrationSource>()
            ?? throw new RunRefusedException(RefusedSetting.Emulate, $"this silo has no calibration to emulate {profile} processes from (calibrate the machine it runs on, or give the run a calibration)");
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
