using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// A silo's source of the costs an emulated process pays: the run's own calibration (<c>--calibration FILE</c>) when
/// it carries one, else this silo's (<see cref="ICalibrationSource"/>, quick allowed), read once and kept; less what
/// a grain call already costs on this silo, probed again for each run and taken from the silo's recent probes (the
/// median one way, the least CPU: <see cref="GrainCallReadings"/>) (<see cref="ForRunAsync"/>), so a busy moment at one run's start is paid for neither by every later run nor
/// by that run.
/// </summary>
public sealed class ProcessCosts(IServiceProvider services)
{
    /// <summary>Rounds of the grain-call probe; the fastest is kept.</summary>
    public const int ProbeRounds = 8;

    /// <summary>Round trips in each round of the grain-call probe.</summary>
    public const int ProbeRoundTrips = 100;

    /// <summary>How many recent runs' costs a silo keeps (their workers start within moments of each other).</summary>
    private const int RunsKept = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<(CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call)>> _runs = [];
    private readonly Queue<string> _order = new();
    private readonly (Guid Pinger, Guid Ponger) _probe = (Guid.NewGuid(), Guid.NewGuid());
    private readonly GrainCallReadings _readings = new();
    private Task<Calibration>? _silo;

    /// <summary>
    /// The cost model of <paramref name="spec"/>'s profile and IPC, nothing taken off for the grain call (for admission
    /// and the record); null for <c>grain</c>. Throws <see cref="RunRefusedException"/> naming the setting when there is
    /// nothing to emulate from, or when the run's calibration (a file) describes another machine than this silo's,
    /// whether or not the run emulates.
    /// </summary>
    public async Task<CostModel?> ForAsync(RunSpec spec)
    {
        if (CalibrationJson.WhyNotFor(spec.Calibration) is { } elsewhere)
        {
            throw new RunRefusedException(RefusedSetting.Calibration, elsewhere);
        }

        return spec.Emulate == Emulation.Grain ? null : CostModel.For(spec.Emulate, spec.Ipc, spec.Calibration ?? await SiloCalibrationAsync(spec.Emulate));
    }

    /// <summary>
    /// The cost model a worker of run <paramref name="runId"/> pays on this silo: <see cref="ForAsync"/>'s, less what a
    /// grain call costs here: probed once per run on this silo when its first worker starts (before any of them
    /// runs), the others of the run sharing it, and taken as the median of this silo's recent probes, this one
    /// included (<see cref="GrainCallReadings"/>). Null for <c>grain</c>.
    /// </summary>
    public async Task<CostModel?> ForRunAsync(RunSpec spec, string runId)
    {
        if (spec.Emulate == Emulation.Grain)
        {
            return null;
        }

        Task<(CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call)>? run;
        lock (_gate)
        {
            if (!_runs.TryGetValue(runId, out run) || run.IsFaulted || run.IsCanceled)
            {
                if (run is null)
                {
                    _order.Enqueue(runId);
                }

                run = _runs[runId] = MeasureAsync(spec);
                while (_order.Count > RunsKept)
                {
                    _runs.Remove(_order.Dequeue());
                }
            }
        }

        return (await run).Costs;
    }

    /// <summary>What run <paramref name="runId"/>'s workers took off for a grain call on this silo (one way, microseconds: the median of the recent probes when they started here); null when none started here.</summary>
    public (double OneWayMicros, double CpuMicros)? GrainCallOf(string? runId)
    {
        lock (_gate)
        {
            return runId is not null && _runs.TryGetValue(runId, out var run) && run.IsCompletedSuccessfully ? run.Result.Call : null;
        }
    }

    /// <summary>
    /// What one grain call between two workers costs on this silo now, one way: latency and CPU, microseconds. A pair of
    /// probe grains (kept warm for the silo's life) bounce <see cref="ProbeRounds"/> rounds of
    /// <see cref="ProbeRoundTrips"/> round trips, 1,600 calls, a few milliseconds. The latency is half the median round
    /// trip, as the calibration's <c>oneWay</c> is (so the two are taken one from the other on one definition), which a
    /// busy moment in a minority of the calls does not move; the CPU, which the process clock gives only per round, is
    /// the fastest round's, so a busy moment makes the emulation pay too much CPU rather than too little.
    /// </summary>
    public async Task<(double OneWayMicros, double CpuMicros)> ProbeGrainCallAsync()
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var (pinger, ponger) = (grains.GetGrain<IGrainCallProbeGrain>(_probe.Pinger), grains.GetGrain<IGrainCallProbeGrain>(_probe.Ponger));
        await pinger.Bounce(ponger, ProbeRoundTrips / 4); // warm: activations, JIT
        var cpu = double.MaxValue;
        var times = new List<long>(ProbeRounds * ProbeRoundTrips);
        for (var round = 0; round < ProbeRounds; round++)
        {
            var clock = Measurement.PhaseClock.Start();
            times.AddRange(await pinger.Bounce(ponger, ProbeRoundTrips));
            var (_, used) = clock.Stop();
            cpu = Math.Min(cpu, used * 1e6 / (2 * ProbeRoundTrips));
        }

        times.Sort();
        return (times[times.Count / 2] * 1e6 / System.Diagnostics.Stopwatch.Frequency / 2, cpu);
    }

    private async Task<(CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call)> MeasureAsync(RunSpec spec)
    {
        var costs = await ForAsync(spec);
        if (costs is null)
        {
            return (null, null);
        }

        var call = _readings.Add(await ProbeGrainCallAsync());
        var (hosts, rank) = HostsAndRank();
        return (costs.WithGrainCall(call.OneWayMicros, call.CpuMicros).ForWorkersOn(spec.Workers, spec.Placement, hosts, rank), call);
    }

    /// <summary>
    /// The host of each active silo in the order <c>spread</c> deals ranks to them (by address, as
    /// <see cref="WorkerPlacementDirector"/> orders them), and this silo's place among them (−1 when it is not yet
    /// listed, or outside a silo): the workers that crowd this machine's cores are those on its silos.
    /// </summary>
    public (IReadOnlyList<string> Hosts, int Rank) HostsAndRank()
    {
        if (services.GetService<IClusterMembershipService>() is not { } membership || services.GetService<ILocalSiloDetails>() is not { } here)
        {
            return ([], -1);
        }

        var silos = ActiveSilos.In(membership).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        return ([.. silos.Select(s => s.Endpoint.Address.ToString())], silos.IndexOf(here.SiloAddress));
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
