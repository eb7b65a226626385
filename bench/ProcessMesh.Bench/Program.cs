using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Load;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Grains.Workloads.Cpu;
using ProcessMesh.Load;
using ProcessMesh.Silo;

namespace ProcessMesh.Bench;

/// <summary>
/// Benchmarks that check ProcessMesh against what it claims: <c>harness</c> measures the harness against bare
/// Orleans calls and a bare Parallel.For in one run; <c>gil</c> checks the models reproduce CPython's shape;
/// <c>p99</c> checks the load record's p99 against an independent measure; <c>grains</c> holds a million
/// idle grains against bare Orleans. On real clusters of silo processes (<see cref="ClusterBenchmarks"/>):
/// <c>kill</c>, <c>cross-silo</c> and <c>spread</c>. <c>emulation</c> (not in <c>all</c>) measures the emulation of
/// processes against real ones (<see cref="EmulationBenchmarks"/>) and checks it costs nothing when there is nothing to pay.
/// Usage: dotnet run --project bench/ProcessMesh.Bench -c Release -- [harness|gil|p99|grains|all|kill|cross-silo|spread|emulation]
/// [--grains N] [--tries N] [--trials N] [--work N] [--only pingpong,ring,cpu,memory,python,zero] [--cached] (emulation)
/// </summary>
internal static class Program
{
    private const int Trials = 9;

    private static readonly string[] _modes = ["harness", "gil", "grains", "p99", "all", "kill", "cross-silo", "spread", "chaos", "emulation"];

    private static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault() ?? "all";
        if (mode == "silo")
        {
            return await ClusterBenchmarks.HostSiloAsync(); // a silo process of the cluster benchmarks
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("""
                usage: dotnet run --project bench/ProcessMesh.Bench -c Release -- MODE [options]
                  harness | gil | p99 | grains | all      one in-process silo (all: the four)
                  kill | cross-silo | spread              real silo processes on loopback
                  emulation [--trials N] [--only pingpong,ring,cpu,memory,python,zero] [--cached]
                                                          emulated processes against real ones (--model os, CPython);
                                                          each trial's figures measured just before it (--cached: the calibration's)
                  chaos [--tries N] [--seed S]            faults on a fresh Redis and 3 silos: every fault kind and victim role
                  chaos --seed S --try K                  try K of seed S alone (each try prints its own)
                  chaos ... --list                        each try's fault, victim, verb and moment; runs nothing
                  --grains N  --tries N  --trials N  --work N
                Ctrl-C stops the benchmark and every process it started. See bench/README.md.
                """);
            return 0;
        }

        // Ctrl-C or SIGTERM: no silo, Redis or worker process this benchmark started may outlive it.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        if (!_modes.Contains(mode))
        {
            await Console.Error.WriteLineAsync($"bench: the first argument is one of {string.Join(", ", _modes)}");
            return 2;
        }

        if (Option(args, "--grains", 1_000_000) is not { } grainCount || Option(args, "--tries", 5) is not { } tries
            || Option(args, "--trials", mode switch { "spread" => 5, "emulation" => 7, _ => 6 }) is not { } trials
            || Option(args, "--work", mode == "spread" ? 8_000_000 : 100_000) is not { } work)
        {
            return 2;
        }

        if (mode == "chaos")
        {
            if (Option(args, "--seed", Environment.TickCount & 0xFFFF) is not { } seed || Option(args, "--tries", 14) is not { } chaosTries
                || Option(args, "--try", 1) is not { } one)
            {
                return 2;
            }

            // --try K replays try K of a printed seed alone: it needs that seed, and is one try, not --tries of them.
            if (args.Contains("--try") && (!args.Contains("--seed") || args.Contains("--tries")))
            {
                await Console.Error.WriteLineAsync("bench: --try: replays one try of a printed seed: give it --seed S, and not --tries");
                return 2;
            }

            return await ChaosBenchmark.RunAsync((int)chaosTries, (int)seed, args.Contains("--try") ? (int)one : null, list: args.Contains("--list")) ? 0 : 1;
        }

        var machine = MachineInfo.Current(1);
        Console.WriteLine($"machine: {machine.Cores} cores, {machine.MemoryBytes / (1L << 30)} GiB, {machine.Gc} GC, .NET {machine.Runtime}, {machine.Os}");
        var cluster = mode is "kill" or "cross-silo" or "spread";
        Console.WriteLine($"build: {(IsOptimized() ? "Release" : "Debug (figures are not representative)")}, {(cluster ? "silo processes on loopback" : "one in-process silo")}; {ClusterBenchmarks.LoadAverage()}");

        // Each benchmark gets a fresh silo, so none inherits another's heap, activations or call filter.
        var ok = true;
        if (cluster)
        {
            ok = mode switch
            {
                "kill" => await ClusterBenchmarks.KillSiloAsync((int)tries),
                "cross-silo" => await ClusterBenchmarks.CrossSiloPingPongAsync((int)trials, work),
                _ => await ClusterBenchmarks.SpreadAgainstOneSiloAsync((int)trials, work, workers: 6),
            };
        }

        if (mode is "harness" or "all")
        {
            ok &= await WithSilo(async grains =>
                await PingPongAgainstBareOrleans(grains, pairs: 1) & await PingPongAgainstBareOrleans(grains, pairs: 2)
                & await PingPongAgainstBareOrleans(grains, pairs: 100, defaults: true) & await CpuAgainstParallelFor(grains, machine.Cores)
                & await CallFilterAgainstBare(grains, pairs: 2) & await CallFilterAgainstBare(grains, pairs: 100));
        }

        if (mode == "emulation")
        {
            // --only pingpong,ring,cpu,memory,python,zero: a quicker subset (default: all of them).
            var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : [.. EmulationBenchmarks.Parts, "zero"];
            if (only.FirstOrDefault(p => p != "zero" && !EmulationBenchmarks.Parts.Contains(p)) is { } unknown)
            {
                await Console.Error.WriteLineAsync($"bench: --only: unknown part '{unknown}' (of {string.Join(", ", EmulationBenchmarks.Parts)}, zero)");
                return 2;
            }

            var parts = only.ToHashSet();
            ok &= await WithSilo(null, async (grains, _, services) =>
                await EmulationBenchmarks.RunAsync(grains, services, (int)trials, parts, fresh: !args.Contains("--cached")) & (!parts.Contains("zero") || await ZeroCostAgainstBareOrleans(grains, services)));
        }

        if (mode is "gil" or "all")
        {
            ok &= await WithSilo(InterpreterLockShape);
        }

        if (mode is "p99" or "all")
        {
            ok &= await OpenLoopP99AgainstIndependentMeasure();
        }

        if (mode is "grains" or "all")
        {
            ok &= await WithSilo(grains => IdleGrainsAgainstBareOrleans(grains, (int)grainCount));
        }

        Console.WriteLine(ok ? "all targets met" : "SOME TARGETS MISSED");
        return ok ? 0 : 1;
    }

    /// <summary>Runs <paramref name="benchmark"/> against a new in-process silo, then stops it.</summary>
    private static Task<bool> WithSilo(Func<IGrainFactory, Task<bool>> benchmark) =>
        WithSilo(null, (grains, _) => benchmark(grains));

    /// <summary>
    /// Runs <paramref name="benchmark"/> against a new in-process silo (with <paramref name="filter"/> on its
    /// outgoing calls, if any), then stops it. The benchmark is given the silo's settings, to connect a client.
    /// </summary>
    private static Task<bool> WithSilo(IOutgoingGrainCallFilter? filter, Func<IGrainFactory, SiloSettings, Task<bool>> benchmark) =>
        WithSilo(filter, (grains, settings, _) => benchmark(grains, settings));

    /// <summary>As <see cref="WithSilo(IOutgoingGrainCallFilter?, Func{IGrainFactory, SiloSettings, Task{bool}})"/>, the silo's services given too.</summary>
    private static async Task<bool> WithSilo(IOutgoingGrainCallFilter? filter, Func<IGrainFactory, SiloSettings, IServiceProvider, Task<bool>> benchmark)
    {
        var settings = new SiloSettings { ClusterId = "processmesh-bench", SiloPort = FreePort(), GatewayPort = FreePort() };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Configuration.AddSiloSettings(new()
        {
            [nameof(SiloSettings.ClusterId)] = settings.ClusterId,
            [nameof(SiloSettings.SiloPort)] = settings.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [nameof(SiloSettings.GatewayPort)] = settings.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddProcessMeshSilo();
        if (filter is not null)
        {
            builder.Services.AddSingleton(filter);
        }

        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            return await benchmark(host.Services.GetRequiredService<IGrainFactory>(), settings, host.Services);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A separate Orleans client (its own host) joined to the silo's gateway over loopback TCP.</summary>
    private static async Task<IHost> StartClient(SiloSettings silo, IOutgoingGrainCallFilter filter)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.AddProcessMeshClient(new IPEndPoint(IPAddress.Loopback, silo.GatewayPort), silo.ClusterId);
        builder.Services.AddSingleton(filter);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// process pingpong against a bare grain-to-grain call loop with the same pairs, alternating trials. With
    /// <paramref name="defaults"/>, the process run takes the workload's default size for its worker count (what
    /// a user who gives no --work measures) and the bare loop makes as many round trips.
    /// </summary>
    private static async Task<bool> PingPongAgainstBareOrleans(IGrainFactory grains, int pairs, bool defaults = false, Calibration? zero = null)
    {
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 2 * pairs, Work = defaults ? 0 : 100_000 };
        if (zero is not null)
        {
            spec = spec with { Emulate = Emulation.DotNet, Ipc = "pipe", Calibration = zero };
        }

        var rounds = WorkloadCatalog.Resolve(spec).Work;
        var bare = new List<double>();
        var harness = new List<double>();
        for (var trial = 0; trial <= Trials; trial++)
        {
            var keyBase = trial * 1000L;
            var start = Stopwatch.GetTimestamp();
            var ok = await Task.WhenAll(Enumerable.Range(0, pairs).Select(p =>
                grains.GetGrain<IBarePingGrain>(keyBase + p).Run(keyBase + 500 + p, WorkSplit.Share(rounds, pairs, p))));
            var bareRate = rounds / Stopwatch.GetElapsedTime(start).TotalSeconds;
            var run = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);
            if (ok.Sum() != rounds || !run.Correct)
            {
                throw new InvalidOperationException("a ping went unanswered");
            }

            if (trial > 1)
            {
                // trials 0 and 1 warm both up (tiered JIT settles, grains activate)
                bare.Add(bareRate);
                harness.Add(run.Throughput);
            }
        }

        return Report($"pingpong, {pairs} pair(s){(defaults ? $", default size ({rounds:N0} round trips)" : "")}: process model{(zero is null ? "" : ", emulated dotnet at zero cost,")} vs bare Orleans call loop (round trips/s)", harness, bare, 0.9);
    }

    /// <summary>
    /// What a process worker's shape costs in Orleans alone: the bare call loop against the same loop whose pong is its
    /// own incoming call filter (as every process worker is, so that an emulated run can carry its calls), alternating
    /// trials, 100,000 round trips over <paramref name="pairs"/> pairs. Orleans builds an invoker object for every call to
    /// a grain that is its own filter; this says whether that shows.
    /// </summary>
    private static async Task<bool> CallFilterAgainstBare(IGrainFactory grains, int pairs)
    {
        const long rounds = 100_000;
        var bare = new List<double>();
        var filtered = new List<double>();
        for (var trial = 0; trial <= Trials; trial++)
        {
            var keyBase = 1_000_000 + (trial * 1000L);
            var rates = new double[2];
            foreach (var withFilter in new[] { false, true })
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await Task.WhenAll(Enumerable.Range(0, pairs).Select(p =>
                {
                    var ping = grains.GetGrain<IBarePingGrain>(keyBase + p);
                    var share = WorkSplit.Share(rounds, pairs, p);
                    return withFilter ? ping.RunAgainstFilter(keyBase + 500 + p, share) : ping.Run(keyBase + 500 + p, share);
                }));
                rates[withFilter ? 1 : 0] = rounds / Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (ok.Sum() != rounds)
                {
                    throw new InvalidOperationException("a ping went unanswered");
                }
            }

            if (trial > 1)
            {
                bare.Add(rates[0]);
                filtered.Add(rates[1]);
            }
        }

        return Report($"pingpong, {pairs} pair(s): bare loop whose pong is its own call filter (a process worker's shape) vs the bare loop (round trips/s)", filtered, bare, 0.95, measured: "filtered");
    }

    /// <summary>
    /// The emulation costs nothing when there is nothing to pay: this silo's calibration with every cost set to zero
    /// (messages, start, footprint), emulated dotnet pingpong against the bare Orleans call loop, as <c>harness</c> does.
    /// </summary>
    private static async Task<bool> ZeroCostAgainstBareOrleans(IGrainFactory grains, IServiceProvider services)
    {
        var calibration = await services.GetRequiredService<ProcessMesh.Grains.Calibrate.ICalibrationSource>().GetAsync(quick: false, CancellationToken.None);
        var zero = calibration with
        {
            Processes =
            [
                .. calibration.Processes.Select(p => p with
                {
                    StartMicros = 0, StartCpuMicros = 0, ResidentBytesPerExtra = 0, Crowds = [],
                    Contention = p.Contention is null ? null : p.Contention with { WokenOneWayMicros = 0, WokenCpuMicros = 0, PairsOneWayMicros = 0, PairsCpuMicros = 0 },
                }),
            ],
            Messages = [.. calibration.Messages.Select(m => m with { OneWayMicros = 0, SenderCpuMicros = 0, ReceiverCpuMicros = 0 })],
        };
        Console.WriteLine();
        Console.WriteLine("zero-cost check: every calibrated cost set to zero");
        return await PingPongAgainstBareOrleans(grains, pairs: 1, zero: zero) & await PingPongAgainstBareOrleans(grains, pairs: 8, zero: zero);
    }

    /// <summary>thread cpu against Parallel.For over the same work function, alternating trials.</summary>
    private static async Task<bool> CpuAgainstParallelFor(IGrainFactory grains, int workers)
    {
        const long work = 400_000;
        var spec = new RunSpec { Model = Models.Thread, Workload = Workload.Cpu, Workers = workers, Work = work, Sync = SyncPrimitive.Interlocked };
        var bare = new List<double>();
        var harness = new List<double>();
        for (var trial = 0; trial <= Trials; trial++)
        {
            ulong total = 0;
            var start = Stopwatch.GetTimestamp();
            Parallel.For(
                0L,
                work,
                new ParallelOptions { MaxDegreeOfParallelism = workers },
                () => 0UL,
                (k, _, local) => unchecked(local + CpuKernel.Unit(k)),
                local => Interlocked.Add(ref total, local));
            var bareRate = work / Stopwatch.GetElapsedTime(start).TotalSeconds;
            var run = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);
            if (total != CpuKernel.Expected(work) || !run.Correct)
            {
                throw new InvalidOperationException("a cpu answer was wrong");
            }

            if (trial > 1)
            {
                bare.Add(bareRate);
                harness.Add(run.Throughput);
            }
        }

        return Report($"cpu, {workers} workers: thread model vs bare Parallel.For (units/s)", harness, bare, 0.9);
    }

    /// <summary>CPU-bound speedup at 2 workers per model, and I/O-bound gil speedup at 16 workers.</summary>
    private static async Task<bool> InterpreterLockShape(IGrainFactory grains)
    {
        var ok = true;
        Console.WriteLine();
        Console.WriteLine("interpreter lock shape (median of 3 after a warm-up; target in brackets):");
        foreach (var (model, low, high) in new[] { (Models.Gil, 0.8, 1.15), (Models.Process, 1.7, double.MaxValue), (Models.Thread, 1.7, double.MaxValue) })
        {
            var spec = new RunSpec { Model = model, Workload = Workload.Cpu };
            var speedup = await Speedup(grains, spec, 2);
            var met = speedup >= low && speedup <= high;
            ok &= met;
            Console.WriteLine($"  cpu  {model,-8} 2 workers: {speedup:0.00}x  [{low}..{(high == double.MaxValue ? "" : high.ToString(System.Globalization.CultureInfo.InvariantCulture))}] {(met ? "met" : "MISSED")}");
        }

        var io = await Speedup(grains, new RunSpec { Model = Models.Gil, Workload = Workload.Io }, 16);
        ok &= io >= 12;
        Console.WriteLine($"  io   gil     16 workers: {io:0.00}x  [12..] {(io >= 12 ? "met" : "MISSED")}");
        return ok;
    }

    /// <summary>
    /// An open-loop load at a rate the silo sustains, on both load paths: the p99 the load record reports from
    /// each call's send (HdrHistogram) against the exact p99 of the same calls timed by an outgoing-call filter
    /// on the calling side. The external path (a separate client over loopback TCP) carries the target; the
    /// hosted path's in-silo calls take about 20 µs, of which the filter's own invocation (inside the driver's
    /// clock, outside its own) is a few, so its ratio is shown with the p50 gap that explains it. First, the
    /// pacer alone: how late this machine wakes a sleeping thread, the floor under the corrected latency.
    /// </summary>
    private static async Task<bool> OpenLoopP99AgainstIndependentMeasure()
    {
        const double rate = 2000;
        var spec = new LoadSpec { Grains = 10_000, Rate = rate, Duration = TimeSpan.FromSeconds(10), Ramp = TimeSpan.FromSeconds(1) };
        Console.WriteLine();
        var pacer = PacerAlone(rate, TimeSpan.FromSeconds(5));
        Console.WriteLine($"pacer alone at {rate:N0} wake-ups/s for 5 s (nothing else running): late by p50 {pacer.P50:0} µs, p99 {pacer.P99:0} µs, max {pacer.Max:0} µs");
        Console.WriteLine($"open-loop load at {rate:N0} calls/s on {spec.Grains:N0} grains, {spec.Duration.TotalSeconds:0} s drives: reported p99 from send against an outgoing-call filter's exact p99");

        var siloFilter = new EchoTimingFilter();
        var clientFilter = new EchoTimingFilter();
        return await WithSilo(siloFilter, async (grains, settings) =>
        {
            using var client = await StartClient(settings, clientFilter);
            var clientGrains = client.Services.GetRequiredService<IGrainFactory>();
            await P99Trials("hosted  ", siloFilter, () => grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).RunLoad(Models.Process, spec, 0), target: false);
            var external = await P99Trials("external", clientFilter, async () =>
            {
                var coordinator = clientGrains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
                var driver = new LoadDriver(clientGrains, spec with { Path = LoadPaths.External }, coordinator, await coordinator.Describe());
                return await driver.RunAsync();
            }, target: true);
            await client.StopAsync();
            return external;
        });
    }

    /// <summary>Three trials of a load against a filter's record of the same calls; whether each met the target.</summary>
    private static async Task<bool> P99Trials(string path, EchoTimingFilter filter, Func<Task<RunResult>> load, bool target)
    {
        var ok = true;
        foreach (var trial in Enumerable.Range(1, 3))
        {
            filter.Clear();
            filter.Recording = true;
            var run = await load();
            filter.Recording = false;
            var independent = filter.Percentiles(50, 99);
            var ratio = run.ServiceLatency!.P99 / independent[1];
            var met = Math.Abs(ratio - 1) <= 0.10;
            ok &= met;
            var verdict = target ? $"[within 10 %] {(met ? "met" : "MISSED")}" : "(not a target)";
            Console.WriteLine(
                $"  {path} trial {trial}: {run.Calls:N0} calls ({filter.Count:N0} filtered); p99 reported {run.ServiceLatency.P99,6:0.0} µs, independent {independent[1],6:0.0} µs: "
                + $"ratio {ratio:0.000} {verdict}; p50 {run.ServiceLatency.P50:0.0} vs {independent[0]:0.0} µs; corrected p99 {run.Latency.P99:0} µs, send lag p99 {run.SendLag!.P99:0} µs");
        }

        return !target || ok;
    }

    /// <summary>How late <see cref="PreciseSleep"/> wakes at <paramref name="rate"/> per second with nothing else to do, in µs.</summary>
    private static LatencySummary PacerAlone(double rate, TimeSpan duration)
    {
        var lateness = new LatencyRecorder();
        var thread = new Thread(() =>
        {
            var t0 = Stopwatch.GetTimestamp();
            for (long i = 1; i < rate * duration.TotalSeconds; i++)
            {
                var due = t0 + (long)(i / rate * Stopwatch.Frequency);
                PreciseSleep.Until(due);
                lateness.RecordSince(due);
            }
        });
        thread.Start();
        thread.Join();
        return lateness.Summarize();
    }

    /// <summary>
    /// One silo holding <paramref name="count"/> idle process grains (no private memory): the load test's
    /// activation rate and heap per grain against bare Orleans activating the same count with the same
    /// parallelism; then how far the heap returns once both populations are gone.
    /// </summary>
    private static async Task<bool> IdleGrainsAgainstBareOrleans(IGrainFactory grains, int count)
    {
        const int parallelism = 1024;
        var coordinator = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        Console.WriteLine();
        Console.WriteLine($"{count:N0} idle grains in one silo (activation parallelism {parallelism}):");

        // Both populations are activated from inside a grain with the same parallelism, and both paths are
        // warmed first (JIT, pools), so neither pays the other's first-use costs.
        var activator = grains.GetGrain<IBareActivatorGrain>(0);
        await activator.Activate(9_000_000, 10_000, parallelism);
        await activator.Deactivate(9_000_000, 10_000, parallelism);
        await coordinator.RunLoad(Models.Process, new LoadSpec { Grains = 10_000, Duration = TimeSpan.FromMilliseconds(100) }, 8);

        // Bare runs before and after ProcessMesh, and its better figures are kept: whichever population goes
        // first pays for growing the heap, and that must not count against the bare baseline.
        var start = await SettledHeap(coordinator, 0);
        var bareRate = 0.0;
        var bareBytes = double.MaxValue;
        async Task Bare(int round)
        {
            var before = await SettledHeap(coordinator, start);
            var seconds = await activator.Activate(round * 10_000_000L, count, parallelism);
            var bytes = (await coordinator.LiveHeapBytes() - before) / (double)count;
            await activator.Deactivate(round * 10_000_000L, count, parallelism);
            Console.WriteLine($"  bare Orleans : {count / seconds,10:N0} activations/s, {bytes,8:N0} heap bytes per grain (round {round})");
            bareRate = Math.Max(bareRate, count / seconds);
            bareBytes = Math.Min(bareBytes, bytes);
        }

        await Bare(1);
        var settled = await SettledHeap(coordinator, start);
        var run = await coordinator.RunLoad(Models.Process, new LoadSpec { Grains = count, Duration = TimeSpan.FromMilliseconds(200), Concurrency = 8 }, 8);
        var end = await SettledHeap(coordinator, settled);
        await Bare(2);
        var rateRatio = run.ActivationRate!.Value / bareRate;
        var memoryRatio = run.MemoryPerGrainBytes!.Value / bareBytes;
        Console.WriteLine($"  processmesh  : {run.ActivationRate,10:N0} activations/s, {run.MemoryPerGrainBytes,8:N0} heap bytes per grain");
        Console.WriteLine($"  activation rate {rateRatio:P1} of bare [at least 80 %] {(rateRatio >= 0.8 ? "met" : "MISSED")}; memory per grain {memoryRatio:0.00}x bare [at most 1.2x] {(memoryRatio <= 1.2 ? "met" : "MISSED")}");
        Console.WriteLine($"  heap: {start / 1e6:N1} MB before, {settled / 1e6:N1} MB after the bare population left, {end / 1e6:N1} MB after the processmesh population left");
        return rateRatio >= 0.8 && memoryRatio <= 1.2;
    }

    /// <summary>The heap once deactivations have run their course: polled until it stops falling (at most 3 minutes).</summary>
    private static async Task<long> SettledHeap(ICoordinatorGrain coordinator, long target)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var last = long.MaxValue;
        long heap;
        while ((heap = await coordinator.LiveHeapBytes()) > target * 1.1 && DateTime.UtcNow < deadline)
        {
            if (heap >= last * 0.99 && DateTime.UtcNow > deadline.AddMinutes(-2.5))
            {
                break; // no longer falling
            }

            last = Math.Min(last, heap);
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        return heap;
    }

    private static async Task<double> Speedup(IGrainFactory grains, RunSpec spec, int workers)
    {
        async Task<double> Wall(RunSpec s)
        {
            await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(s);
            var walls = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                walls.Add((await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(s)).WallSeconds);
            }

            return Median(walls);
        }

        return await Wall(spec with { Workers = 1 }) / await Wall(spec with { Workers = workers });
    }

    /// <summary>
    /// Trials alternate harness and bare, so each pair ran under the same conditions: the ratio reported is the
    /// median of the per-trial ratios, which cancels drift that a ratio of two medians would keep.
    /// </summary>
    internal static bool Report(string what, List<double> harnessRates, List<double> bareRates, double target, string measured = "harness")
    {
        var harness = Median(harnessRates);
        var bare = Median(bareRates);
        var ratio = Median(harnessRates.Zip(bareRates, (h, b) => h / b).ToList());
        var met = ratio >= target;
        Console.WriteLine();
        Console.WriteLine(what);
        Console.WriteLine($"  {measured} {harness,14:N0}/s   bare {bare,14:N0}/s   (medians of {harnessRates.Count} trials)   ratio {ratio:P1}  [at least {target:P0}] {(met ? "met" : "MISSED")}");
        return met;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Kills every process this one started (its descendants, by the process table), then exits by the signal.</summary>
    private static void Stop(PosixSignalContext signal)
    {
        signal.Cancel = true;
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // gone while we looked
            }
        }

        var ours = new List<int>();
        var next = new Queue<int>([Environment.ProcessId]);
        while (next.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                ours.Add(child);
                next.Enqueue(child);
            }
        }

        foreach (var pid in ours)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }

        Console.Error.WriteLine($"bench: {(signal.Signal == PosixSignal.SIGINT ? "interrupted" : "terminated")}; stopped {ours.Count} process{(ours.Count == 1 ? "" : "es")} it had started");
        Environment.Exit(signal.Signal == PosixSignal.SIGINT ? 130 : 143);
    }

    /// <summary>The positive whole number after <paramref name="name"/>, or <paramref name="fallback"/>; null (after one line on stderr) when it is not one.</summary>
    private static long? Option(string[] args, string name, long fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        if (at + 1 < args.Length && long.TryParse(args[at + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is > 0 and <= int.MaxValue)
        {
            return value;
        }

        Console.Error.WriteLine($"bench: {name}: '{(at + 1 < args.Length ? args[at + 1] : "")}' is not a positive whole number");
        return null;
    }

    private static bool IsOptimized() =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
