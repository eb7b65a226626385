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
    private readonly Dictionary<string, Task<(CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call, CarryingProbe? Carrying)>> _runs = [];
    private readonly Queue<string> _order = new();
    private readonly (Guid Pinger, Guid Ponger) _probe = (Guid.NewGuid(), Guid.NewGuid());
    private readonly GrainCallReadings _readings = new();

    /// <summary>The carrying probe's pairs of probe grains, grown to the most pairs a probe has asked (kept warm for the silo's life).</summary>
    private readonly List<(Guid Pinger, Guid Ponger)> _carryingPairs = [];

    /// <summary>
    /// The process each carrying probe's ponger carries its calls as, while a probe runs (<see cref="CarrierOf"/>): one
    /// for the whole process, as a probe grain may answer a probe of any of the process's silos, each ponger's key its own.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, EmulatedProcess> _carriers = new();

    /// <summary>One carrying probe at a time: two would share the pairs and each other's CPU.</summary>
    private readonly SemaphoreSlim _carrying = new(1);
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
    /// grain call costs here: probed once per run on this silo when the run is prepared there, before its workers
    /// start (<see cref="Measurement.ISiloProbeGrain.Prepare"/>: so the probes are not in the run's start), its workers sharing it, and taken as the median of this silo's recent probes, this one
    /// included (<see cref="GrainCallReadings"/>). Null for <c>grain</c>.
    /// </summary>
    public async Task<CostModel?> ForRunAsync(RunSpec spec, string runId)
    {
        if (spec.Emulate == Emulation.Grain)
        {
            return null;
        }

        Task<(CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call, CarryingProbe? Carrying)>? run;
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
    public (double OneWayMicros, double CpuMicros)? GrainCallOf(string? runId) => Measured(runId)?.Call;

    /// <summary>What run <paramref name="runId"/>'s carrying probe on this silo read (<see cref="ProbeCarryingAsync"/>); null when none ran here (nothing to burn, or no worker of the run here).</summary>
    public CarryingProbe? CarryingOf(string? runId) => Measured(runId)?.Carrying;

    /// <summary>What was measured for run <paramref name="runId"/> on this silo; null when nothing was, or not yet.</summary>
    private (CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call, CarryingProbe? Carrying)? Measured(string? runId)
    {
        lock (_gate)
        {
            return runId is not null && _runs.TryGetValue(runId, out var run) && run.IsCompletedSuccessfully ? run.Result : null;
        }
    }

    /// <summary>The process a carrying probe's ponger <paramref name="grain"/> carries its calls as now; null outside a probe (then it passes them on).</summary>
    internal static EmulatedProcess? CarrierOf(Guid grain) => _carriers.IsEmpty ? null : _carriers.GetValueOrDefault(grain);

    /// <summary>
    /// How many pairs the carrying probe of <paramref name="costs"/> runs at once: half the run's workers on this
    /// machine (<see cref="CostModel.Workers"/>), at least one, at most half the calibrated crowd (or of twice the cores
    /// without one): the probe is to carry messages in the crowd the run's are carried in.
    /// </summary>
    public static int CarryingPairs(CostModel costs)
    {
        var crowd = Math.Max(costs.Calibration.Process(costs.Profile)?.Contention?.Processes ?? 0, 2 * Math.Max(1, costs.Calibration.Machine.Cores));
        return Math.Clamp(costs.Workers / 2, 1, Math.Max(1, crowd / 2));
    }

    /// <summary>
    /// What carrying a message of <paramref name="bytes"/> as an emulated process of <paramref name="costs"/> costs this
    /// silo in CPU, all of it, microseconds per message. <paramref name="pairs"/> pairs of probe grains bounce calls at
    /// once, each call stamped by its sender and carried by the receiver's <see cref="EmulatedProcess.CarryAsync"/> with
    /// <paramref name="costs"/> (its waits on the timer, its burns, the overlapped burn queued), as the run's workers
    /// will carry theirs: a warm-up, then <see cref="ProbeRounds"/> rounds of <see cref="ProbeRoundTrips"/> round trips a
    /// pair, each read on the process's clock; the round with the least CPU is kept (as for the grain call, nothing
    /// makes a reading too low; every message asks the same burn, its budget's). The probe grains compute nothing, so
    /// what a workload computes is never in it.
    /// </summary>
    public async Task<CarryingProbe> ProbeCarryingAsync(CostModel costs, int bytes, int pairs)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        await _carrying.WaitAsync();
        try
        {
            while (_carryingPairs.Count < pairs)
            {
                _carryingPairs.Add((Guid.NewGuid(), Guid.NewGuid()));
            }

            var used = _carryingPairs.Take(pairs).ToList();
            var carriers = used.Select(_ => EmulatedProcess.ForProbe(costs, bytes)).ToList();
            for (var i = 0; i < used.Count; i++)
            {
                _carriers[used[i].Ponger] = carriers[i];
            }

            try
            {
                Task Round(int roundTrips) => Task.WhenAll(used.Select(p =>
                    grains.GetGrain<IGrainCallProbeGrain>(p.Pinger).Bounce(grains.GetGrain<IGrainCallProbeGrain>(p.Ponger), roundTrips, stamped: true)));
                await Round(ProbeRoundTrips / 4); // warm: activations, JIT, the timer
                var messages = 2.0 * ProbeRoundTrips * pairs;
                var least = double.MaxValue;
                for (var round = 0; round < ProbeRounds; round++)
                {
                    var clock = Measurement.PhaseClock.Start();
                    await Round(ProbeRoundTrips);
                    var (_, seconds) = clock.Stop();
                    least = Math.Min(least, seconds * 1e6 / messages);
                }

                return new CarryingProbe(least, pairs, (long)(messages * ProbeRounds));
            }
            finally
            {
                foreach (var (_, ponger) in used)
                {
                    _carriers.TryRemove(ponger, out _);
                }
            }
        }
        finally
        {
            _carrying.Release();
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
        await pinger.Bounce(ponger, ProbeRoundTrips / 4, stamped: false); // warm: activations, JIT
        var cpu = double.MaxValue;
        var times = new List<long>(ProbeRounds * ProbeRoundTrips);
        for (var round = 0; round < ProbeRounds; round++)
        {
            var clock = Measurement.PhaseClock.Start();
            times.AddRange(await pinger.Bounce(ponger, ProbeRoundTrips, stamped: false));
            var (_, used) = clock.Stop();
            cpu = Math.Min(cpu, used * 1e6 / (2 * ProbeRoundTrips));
        }

        times.Sort();
        return (times[times.Count / 2] * 1e6 / System.Diagnostics.Stopwatch.Frequency / 2, cpu);
    }

    private async Task<(CostModel? Costs, (double OneWayMicros, double CpuMicros)? Call, CarryingProbe? Carrying)> MeasureAsync(RunSpec spec)
    {
        var costs = await ForAsync(spec);
        if (costs is null)
        {
            return (null, null, null);
        }

        var call = _readings.Add(await ProbeGrainCallAsync());
        var (hosts, rank) = HostsAndRank();
        var model = costs.WithGrainCall(call.OneWayMicros, call.CpuMicros).ForWorkersOn(spec.Workers, spec.Placement, hosts, rank);
        var bytes = CostModel.MessageBytes(spec);
        if (model.Budget(bytes).BurnMicros <= 0)
        {
            return (model, call, null); // nothing burned: nothing to take the carrying's CPU off (and at zero cost nothing is carried)
        }

        // What the carrying costs beyond the bare call's c and the burns it asked is taken off the burn as c is, so a
        // message costs in all what the calibration says (docs/emulation.md, "What carrying a message costs").
        var pairs = CarryingPairs(model);
        var carrying = await SettleCarryingAsync(
            model.SenderCpuMicros(bytes) + model.ReceiverCpuMicros(bytes),
            model.Budget(bytes).BurnMicros,
            e => ProbeCarryingAsync(model.WithCarrying(e), bytes, pairs));
        return (model.WithCarrying(carrying.TakenOffMicros), call, carrying);
    }

    /// <summary>How many carrying probes a run's preparation on a silo makes at most (<see cref="SettleCarryingAsync"/>).</summary>
    public const int CarryingSteps = 3;

    /// <summary>
    /// The carrying <c>e</c> at which a carried message costs the silo <paramref name="targetMicros"/> of CPU in all (the
    /// calibrated <c>S + R</c>): probed (<paramref name="probe"/>, with the <c>e</c> to take off) at <c>e = 0</c>, then
    /// moved by what each probe's message cost beyond the target, <c>e ← e + (T − S − R)</c>, between 0 and
    /// <paramref name="mostMicros"/> (all of the burn), up to <see cref="CarryingSteps"/> probes or until a probe is within
    /// 5 % of the target. One step is not enough: a burn takes more CPU than it counts in a crowd (about 1.3× here), so
    /// taking the first reading's excess off the burn also takes off the excess of what was taken off, and 8 crowded
    /// pairs then spent 2–5 µs a message below their calibration; each further step shrinks the miss about threefold.
    /// </summary>
    internal static async Task<CarryingProbe> SettleCarryingAsync(double targetMicros, double mostMicros, Func<double, Task<CarryingProbe>> probe)
    {
        var e = 0.0;
        var cpus = new List<double>(CarryingSteps);
        CarryingProbe read;
        do
        {
            read = await probe(e);
            cpus.Add(read.CpuMicros);
            var over = read.CpuMicros - targetMicros;
            e = Math.Clamp(e + over, 0, Math.Max(0, mostMicros));
            if (Math.Abs(over) <= 0.05 * targetMicros)
            {
                break;
            }
        }
        while (cpus.Count < CarryingSteps);

        return read with { TakenOffMicros = e, TargetMicros = targetMicros, CpuMicrosByStep = cpus };
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

/// <summary>
/// What one carrying probe read (<see cref="ProcessCosts.ProbeCarryingAsync"/>), microseconds per message: the silo's
/// CPU in all, in its kept round; how many pairs bounced at once and how many messages its measured rounds carried. Settled (<see cref="ProcessCosts.SettleCarryingAsync"/>), the last probe's, with
/// the carrying taken off the burn, the CPU a message was to cost, and each probe's CPU a message in turn.
/// </summary>
public sealed record CarryingProbe(double CpuMicros, int Pairs, long Messages)
{
    /// <summary>The carrying <c>e</c> the run takes off its burn, microseconds per message.</summary>
    public double TakenOffMicros { get; init; }

    /// <summary>The CPU a carried message was to cost the silo in all (the calibrated <c>S + R</c>), microseconds.</summary>
    public double TargetMicros { get; init; }

    /// <summary>Each probe's CPU a message, in the order they ran (the first with nothing taken off).</summary>
    public IReadOnlyList<double> CpuMicrosByStep { get; init; } = [];
}
