using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcessMesh.Contracts;
using ProcessMesh.Silo;
using ProcessMesh.Tests.Cluster;

namespace ProcessMesh.Bench;

/// <summary>
/// Benchmarks on real clusters: a redis-server and silo processes on free loopback ports (started and stopped here,
/// also when a benchmark fails), driven by an Orleans client in this process. <c>kill</c> kills a silo in the middle of
/// runs; <c>cross-silo</c> puts pingpong's pair on two silos against a bare Orleans loop across the same two;
/// <c>spread</c> runs cpu over three silos against one.
/// </summary>
internal static class ClusterBenchmarks
{
    /// <summary>How long a cluster of silo processes may take to form on a loaded machine.</summary>
    private static readonly TimeSpan _formsWithin = TimeSpan.FromSeconds(150);

    /// <summary>How long the client may take to connect.</summary>
    private static readonly TimeSpan _connectsWithin = TimeSpan.FromSeconds(60);

    /// <summary>The issue's bound on a run that loses a silo.</summary>
    private static readonly TimeSpan _endsWithin = TimeSpan.FromSeconds(30);

    /// <summary>Seconds of a short run's rate a killed cpu run is sized to (it runs faster than the short run: 6-12 s here).</summary>
    private const int CpuRunSeconds = 12;

    /// <summary>Past this, a run that lost a silo is reported as hung, not waited for.</summary>
    private static readonly TimeSpan _hangsAfter = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The benchmark's own silo processes: this program run as <c>silo</c> hosts a ProcessMesh silo (as the silo host
    /// does) with the bare baseline grains beside ProcessMesh's.
    /// </summary>
    private static IReadOnlyList<string> BenchSilo => [typeof(ClusterBenchmarks).Assembly.Location, "silo"];

    /// <summary>Hosts a silo configured by <c>ProcessMesh__*</c> variables until SIGTERM or SIGINT (the <c>silo</c> mode).</summary>
    public static async Task<int> HostSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        try
        {
            builder.AddProcessMeshSilo();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"bench silo: {string.Join("; ", e.Failures)}");
            return 2;
        }

        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }

    /// <summary>
    /// <paramref name="tries"/> times: a fresh Redis and three real silos (the silo host, with its default failure
    /// detection), a long process run spread over them (pingpong, which ends lost, and cpu, which recovers, in turn),
    /// and one silo that holds workers but neither the coordinator nor the client's gateway killed with SIGKILL
    /// once the run is in its measured phase on every silo. Each try reports when membership declared the silo dead,
    /// when the run returned its record, its outcome and its ledger; the target: every run ends within 30 s of the
    /// kill, with a balanced ledger and an honest outcome.
    /// </summary>
    public static async Task<bool> KillSiloAsync(int tries)
    {
        Console.WriteLine();
        Console.WriteLine($"killed silo: {tries} tries, each on a fresh Redis and 3 silo processes; SIGKILL to one that holds workers (not the coordinator's, not the client's gateway); silo logs in {LogFolder}");
        var ended = new List<double>();
        var ok = true;
        for (var attempt = 1; attempt <= tries; attempt++)
        {
            var (met, seconds) = await KillOnceAsync(attempt, recovers: attempt % 2 == 0);
            ok &= met;
            ended.Add(seconds);
        }

        var within = ended.Count(s => s <= _endsWithin.TotalSeconds);
        Console.WriteLine($"  {within} of {tries} runs ended within {_endsWithin.TotalSeconds:0} s of the kill, slowest {ended.Max():0.0} s, median {Median(ended):0.0} s; every try's ledger balanced and outcome honest: {(ok ? "yes" : "no")}  [every try] {(ok ? "met" : "MISSED")}   {LoadAverage()}");
        return ok;
    }

    private static async Task<(bool Met, double Seconds)> KillOnceAsync(int attempt, bool recovers)
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, _formsWithin);
        var gateway = cluster.Silos[0];
        using var client = await ConnectAsync(ClusterAccess.ThroughGateways([new IPEndPoint(IPAddress.Loopback, gateway.GatewayPort)], cluster.ClusterId));
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);

        // Pingpong keeps state in every pair and cannot redo a lost pair: a run long enough never to end on its own.
        // Cpu redoes a lost worker's share on the survivors, and then finishes: sized from a short run on this cluster
        // (at this machine's present load) to last several seconds past the kill, so it is in flight when the loss is found.
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 6, Work = 500_000_000, Placement = Placements.Spread };
        var undisturbed = "";
        if (recovers)
        {
            spec = spec with { Workload = Workload.Cpu, Work = 2_000_000 };
            await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec); // warms up (JIT, activations)
            var rate = (await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec)).Throughput;
            spec = spec with { Work = Math.Max(spec.Work, (long)(rate * CpuRunSeconds)) };
            undisturbed = $", {spec.Work:N0} units: {CpuRunSeconds} s at a short run's {rate:N0}/s";
        }

        spec = spec with { TimeLimitSeconds = _hangsAfter.TotalSeconds * 2 };
        var run = grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);

        var victim = await cluster.VictimAsync(grains, gateway, run, spec.Workers, async () => $"{(await run).Outcome}: make it longer");

        // Let the run get into its stride (every core busy, probes slowed by the load), then kill.
        await Task.Delay(TimeSpan.FromSeconds(2));
        if (run.IsCompleted)
        {
            throw new InvalidOperationException("the run ended before a silo could be killed: make it longer");
        }

        var victimAddress = $"127.0.0.1:{victim.SiloPort}";
        victim.Process.Kill(); // SIGKILL
        var clock = Stopwatch.StartNew();
        using var watching = new CancellationTokenSource();
        var declaredDead = WhenLeftAsync(management, victim.SiloPort, clock, watching.Token);
        RunResult? result = null;
        try
        {
            result = await run.WaitAsync(_hangsAfter);
        }
        catch (TimeoutException)
        {
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await watching.CancelAsync();
        var dead = await declaredDead;
        var kind = $"{spec.Workload.ToString().ToLowerInvariant()} ({spec.Workers} workers, spread{undisturbed})";
        if (result is null)
        {
            Console.WriteLine($"  try {attempt}: {kind}: killed {victimAddress}; declared dead after {Seconds(dead)}; the run did not end within {_hangsAfter.TotalSeconds:0} s  MISSED");
            return (false, seconds);
        }

        var ledger = result.Ledger;
        var balanced = ledger is not null && ledger.Sent == ledger.Delivered + ledger.Failed;
        var honest = result.Outcome switch
        {
            Outcomes.Recovered => result.Correct,
            Outcomes.Lost => !result.Correct && result.LostWork > 0,
            _ => false, // a silo with workers died: "completed" would hide it
        };
        var met = seconds <= _endsWithin.TotalSeconds && balanced && honest;
        Console.WriteLine(
            $"  try {attempt}: {kind}: killed {victimAddress}; declared dead after {Seconds(dead)}; the run returned {seconds:0.0} s after the kill: "
            + $"phase {result.WallSeconds:0.0} s, outcome {result.Outcome}, correct {result.Correct.ToString().ToLowerInvariant()}, lostWork {result.LostWork:N0}, "
            + $"ledger sent {ledger?.Sent:N0} = delivered {ledger?.Delivered:N0} + failed {ledger?.Failed:N0} ({(balanced ? "balanced" : "NOT BALANCED")})  {(met ? "met" : "MISSED")}");
        if (result.Failure is { } failure)
        {
            Console.WriteLine($"         {failure}");
        }

        await client.StopAsync();
        KeepLogs(cluster, $"kill-{attempt}");
        return (met, seconds);
    }

    /// <summary>Seconds on <paramref name="clock"/> when the silo on <paramref name="port"/> is no longer listed as active; null if it still was when cancelled.</summary>
    private static async Task<double?> WhenLeftAsync(IManagementGrain management, int port, Stopwatch clock, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                var hosts = await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancel);
                if (!hosts.Keys.Any(h => h.Endpoint.Port == port))
                {
                    return clock.Elapsed.TotalSeconds;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (TimeoutException)
            {
            }
        }

        return null;
    }

    /// <summary>
    /// Two silo processes (this program's own, so the bare grains are there too). Alternating trials, with the same
    /// round trips: ProcessMesh's process pingpong with 2 workers spread over the two silos (checked from the record's
    /// perSilo) against a bare ping grain on silo A calling a bare pong grain on silo B; then both again with the pair
    /// on one silo, for the in-silo cost per round trip beside the cross-silo one.
    /// </summary>
    public static async Task<bool> CrossSiloPingPongAsync(int trials, long rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"cross-silo pingpong: 2 silo processes on one Redis, 1 pair, {rounds:N0} round trips a trial, {trials} measured trials after 2 warm-ups");
        await using var cluster = await RedisSiloCluster.StartAsync(2, _formsWithin, BenchSilo);
        using var client = await ConnectAsync(ClusterAccess.ThroughRedis(cluster.Redis.Endpoint, cluster.ClusterId));
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var silos = (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys
            .Select(s => s.ToParsableString()).Order(StringComparer.Ordinal).ToArray();
        if (silos.Length != 2)
        {
            throw new InvalidOperationException($"expected 2 active silos, found {silos.Length}");
        }

        var (a, b) = (silos[0], silos[1]);
        var cross = new Pair();
        var inside = new Pair();
        for (var trial = 0; trial < trials + 2; trial++)
        {
            var measured = trial >= 2;
            cross.Add(measured, await ProcessMeshPingPongAsync(grains, rounds, Placements.Spread, 2), await BarePingPongAsync(grains, a, b, $"{trial}", rounds));
            inside.Add(measured, await ProcessMeshPingPongAsync(grains, rounds, Placements.Local, 1), await BarePingPongAsync(grains, a, a, $"in{trial}", rounds));
        }

        var met = Program.Report("pingpong across two silo processes, 1 pair: process model (spread) vs bare Orleans ping on silo A, pong on silo B (round trips/s)", cross.Harness, cross.Bare, 0.8);
        Console.WriteLine($"  {cross.Ratios}");
        Console.WriteLine($"  per round trip (medians):   in one silo: processmesh {1e6 / Median(inside.Harness),6:0.0} µs, bare {1e6 / Median(inside.Bare),6:0.0} µs;   across two silos: processmesh {1e6 / Median(cross.Harness),6:0.0} µs, bare {1e6 / Median(cross.Bare),6:0.0} µs");
        Console.WriteLine($"  crossing costs processmesh {1e6 / Median(cross.Harness) - 1e6 / Median(inside.Harness):0.0} µs and bare Orleans {1e6 / Median(cross.Bare) - 1e6 / Median(inside.Bare):0.0} µs more per round trip   {LoadAverage()}");
        await client.StopAsync();
        return met;
    }

    /// <summary>One process pingpong run; checks where its workers were (<paramref name="silos"/> silos with one each, or both on one).</summary>
    private static async Task<double> ProcessMeshPingPongAsync(IGrainFactory grains, long rounds, string placement, int silos)
    {
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 2, Work = rounds, Placement = placement };
        var run = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);
        var holding = run.PerSilo.Where(s => s.Workers > 0).ToArray();
        if (!run.Correct || holding.Length != silos || holding.Sum(s => s.Workers) != 2)
        {
            throw new InvalidOperationException(
                $"process pingpong ({placement}): correct {run.Correct}, workers per silo {string.Join(", ", holding.Select(s => $"{s.Silo}: {s.Workers}"))}; expected them on {silos} silo(s)");
        }

        return run.Throughput;
    }

    /// <summary>A bare ping grain on <paramref name="pingSilo"/> calling a bare pong grain on <paramref name="pongSilo"/>; round trips/s.</summary>
    private static async Task<double> BarePingPongAsync(IGrainFactory grains, string pingSilo, string pongSilo, string tag, long rounds)
    {
        var ping = grains.GetGrain<IBareSiloPingGrain>($"{pingSilo}|{tag}");
        var pongKey = $"{pongSilo}|{tag}";
        var pong = grains.GetGrain<IBareSiloPongGrain>(pongKey);
        if (await ping.Silo() != pingSilo || await pong.Silo() != pongSilo)
        {
            throw new InvalidOperationException($"bare grains not where they were put: ping on {await ping.Silo()} (wanted {pingSilo}), pong on {await pong.Silo()} (wanted {pongSilo})");
        }

        await ping.Run(pongKey, 100); // the ping's first call finds its pong; both sides' paths warm
        var start = Stopwatch.GetTimestamp();
        var ok = await ping.Run(pongKey, rounds);
        var rate = rounds / Stopwatch.GetElapsedTime(start).TotalSeconds;
        return ok == rounds ? rate : throw new InvalidOperationException("a bare ping went unanswered");
    }

    /// <summary>
    /// Three silo processes and, beside them, a one-silo cluster (each with its own Redis); alternating trials, the
    /// same process cpu run spread over the three (checked from perSilo) and on the one silo.
    /// </summary>
    public static async Task<bool> SpreadAgainstOneSiloAsync(int trials, long work, int workers)
    {
        Console.WriteLine();
        Console.WriteLine($"cpu spread over 3 silo processes vs 1 silo process: {workers} workers, {work:N0} units a trial, {trials} measured trials after a warm-up");
        await using var three = await RedisSiloCluster.StartAsync(3, _formsWithin);
        await using var one = await RedisSiloCluster.StartAsync(1, _formsWithin);
        using var threeClient = await ConnectAsync(ClusterAccess.ThroughRedis(three.Redis.Endpoint, three.ClusterId));
        using var oneClient = await ConnectAsync(ClusterAccess.ThroughRedis(one.Redis.Endpoint, one.ClusterId));
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = workers, Work = work, Placement = Placements.Spread };
        var spread = new Pair();
        for (var trial = 0; trial < trials + 1; trial++)
        {
            var overThree = await CpuAsync(threeClient, spec, 3);
            var onOne = await CpuAsync(oneClient, spec, 1);
            spread.Add(trial >= 1, overThree, onOne);
        }

        var met = Program.Report($"cpu, {workers} workers: process model spread over 3 silo processes vs all on 1 silo process (units/s)", spread.Harness, spread.Bare, 0.9);
        Console.WriteLine($"  {spread.Ratios}   {LoadAverage()}");
        await threeClient.StopAsync();
        await oneClient.StopAsync();
        return met;
    }

    private static async Task<double> CpuAsync(IHost client, RunSpec spec, int silos)
    {
        var run = await client.Services.GetRequiredService<IClusterClient>().GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);
        var holding = run.PerSilo.Count(s => s.Workers > 0);
        return run.Correct && holding == silos
            ? run.Throughput
            : throw new InvalidOperationException($"cpu on {silos} silo(s): correct {run.Correct}, workers on {holding} silo(s)");
    }

    /// <summary>A client of the cluster <paramref name="access"/> names, connected within <see cref="_connectsWithin"/>.</summary>
    private static async Task<IHost> ConnectAsync(ClusterAccess access)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.AddProcessMeshClient(access);
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(_connectsWithin);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Where the silos' logs of each cluster benchmark are kept (<c>processmesh-bench</c> in the temp folder).</summary>
    public static string LogFolder { get; } = Path.Combine(Path.GetTempPath(), "processmesh-bench");

    /// <summary>Writes every silo's output to <see cref="LogFolder"/>, one file a silo named <paramref name="prefix"/>-PORT.log.</summary>
    private static void KeepLogs(RedisSiloCluster cluster, string prefix)
    {
        Directory.CreateDirectory(LogFolder);
        foreach (var silo in cluster.Silos)
        {
            File.WriteAllText(Path.Combine(LogFolder, $"{prefix}-{silo.SiloPort}.log"), silo.Output);
        }
    }

    private static string Seconds(double? seconds) => seconds is { } s ? $"{s:0.0} s" : "(still listed when the run ended)";

    /// <summary>This machine's load average, for the record beside each figure.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg")
        ? $"load average {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}"
        : "";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Alternating measurements of ProcessMesh (harness) and its baseline, measured trials only.</summary>
    private sealed class Pair
    {
        public List<double> Harness { get; } = [];

        public List<double> Bare { get; } = [];

        /// <summary>Each measured trial's ratio, in order: how far the conditions moved while they ran.</summary>
        public string Ratios => $"per-trial ratios: {string.Join(", ", Harness.Zip(Bare, (h, b) => (h / b).ToString("P0", CultureInfo.InvariantCulture)))}";

        public void Add(bool measured, double harness, double bare)
        {
            if (measured)
            {
                Harness.Add(harness);
                Bare.Add(bare);
            }
        }
    }
}
