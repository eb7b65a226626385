using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProcessMesh.Tests.Cli;
using ProcessMesh.Tests.Cluster;

namespace ProcessMesh.Bench;

/// <summary>
/// <c>bench -- chaos [--tries N] [--seed S]</c>: each try starts a fresh Redis and 3 silo processes, runs the real
/// CLI against them (a verb and workload drawn at random) and injects one fault at a random moment. The N tries go
/// round the plan of fault kinds × victim roles in an order that reaches every kind and every role early: a signal
/// (SIGKILL, SIGSTOP for 20 s, SIGTERM) to the silo of a chosen role (the coordinator's silo; one of the CLI's two
/// gateways, not the coordinator's; a silo holding workers and neither; an idle silo, holding none of the run), or
/// Redis restarted, or a fourth silo started. Per kind and per role it reports how many ended within 30 s of the
/// fault (the CLI exited, or the step in flight gave way to the next, or to itself run again), how many ended
/// honestly (a record, a balanced ledger, within the bound; a lost outcome only within the 30 s), the outcomes,
/// and the slowest; and at the end, whether any process it started is still in the process table. The seed is
/// printed, and per try the command that replays it alone (<c>--seed S --try K</c>).
/// </summary>
internal static partial class ChaosBenchmark
{
    private static readonly string[] _signals = ["sigkill", "sigstop-20s", "sigterm"];
    private static readonly string[] _roles = ["coordinator", "gateway", "worker", "idle"];
    private static readonly string[] _clusterFaults = ["redis-restart", "silo-start"];
    private static readonly TimeSpan _endsWithin = TimeSpan.FromSeconds(30);
    private const int TimeLimitSeconds = 60;

    /// <summary>What the CLI may take after a fault: a step's time limit and its grace, and its own exit on a loaded machine.</summary>
    private static readonly TimeSpan _cliBound = TimeSpan.FromSeconds(TimeLimitSeconds + 60 + 30);

    private sealed record Try(string Kind, string Role, string Verb, double FaultToEndSeconds, bool EndedWithin, bool Honest, string Outcome, bool? Balanced, string Note);

    /// <summary>
    /// Every signal on every role, and the two cluster faults, in diagonals: try i takes entry i mod 14, so the
    /// first 3 tries already cover every signal, the first 7 every role and the first 8 every kind.
    /// </summary>
    private static List<(string Kind, string Role)> Plan()
    {
        var plan = new List<(string, string)>();
        for (var d = 0; d < _roles.Length; d++)
        {
            plan.AddRange(_signals.Select((kind, k) => (kind, _roles[(k + d) % _roles.Length])));
            if (d < _clusterFaults.Length)
            {
                plan.Add((_clusterFaults[d], "cluster"));
            }
        }

        return plan;
    }

    /// <summary>
    /// Runs <paramref name="tries"/> tries drawn from <paramref name="seed"/>, or only try <paramref name="only"/>
    /// (1-based) of that seed: the draws of the tries before it are made and not run, so it replays as it ran.
    /// </summary>
    /// <param name="tries">How many tries.</param>
    /// <param name="seed">Seeds the draws.</param>
    /// <param name="only">Runs only this try (1-based), drawn as in the full run.</param>
    /// <param name="list">Prints each try's draws (fault, victim, verb, moment) and runs nothing.</param>
    public static async Task<bool> RunAsync(int tries, int seed, int? only = null, bool list = false)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var cli = Path.Combine(root, "client/bin/Release/net10.0/processmesh.dll");
        if (!File.Exists(cli))
        {
            await Console.Error.WriteLineAsync($"bench: chaos runs the built CLI, which is not at {cli} (dotnet build client -c Release)");
            return false;
        }

        CliRun.Program = cli;
        var plan = Plan();
        Console.WriteLine();
        Console.WriteLine(only is { } one
            ? $"chaos: try {one} of seed {seed} alone, on a fresh Redis and 3 silo processes"
            : $"chaos: {tries} tries over {plan.Count} fault kinds × victim roles, each on a fresh Redis and 3 silo processes; seed {seed} (replay: bench -- chaos --tries {tries} --seed {seed})");
        Console.WriteLine($"  {ClusterBenchmarks.LoadAverage()} at the start");
        var random = new Random(seed);
        var all = new List<Try>();
        var redisPorts = new HashSet<int>();
        for (var i = 0; i < (only ?? tries); i++)
        {
            var (kind, role) = plan[i % plan.Count];
            string[] verbs = role == "idle" ? ["run cpu", "run pingpong"] : ["run cpu", "run pingpong", "sweep cpu", "load"];
            var verb = verbs[random.Next(verbs.Length)];
            var moment = TimeSpan.FromSeconds(random.NextDouble() * 4);
            var pick = random.Next();
            if (only is { } replayed && i + 1 != replayed)
            {
                continue; // drawn as it was, not run
            }

            if (list)
            {
                Console.WriteLine($"  {i + 1,3} {kind,-13} {role,-11} {verb,-12} at +{moment.TotalSeconds:0.0} s");
                continue;
            }

            Console.WriteLine($"      try {i + 1} ({ClusterBenchmarks.LoadAverage()}); replay it alone: dotnet run --project bench/ProcessMesh.Bench -c Release -- chaos --seed {seed} --try {i + 1}");
            Try result;
            try
            {
                result = await OnceAsync(kind, role, verb, moment, pick, redisPorts);
            }
            catch (Exception e)
            {
                result = new Try(kind, role, verb, double.NaN, false, false, "harness failed", null, e.Message.Split('\n')[0]);
            }

            all.Add(result);
            Console.WriteLine($"  {i + 1,3} {kind,-13} {role,-11} {verb,-12} at +{moment.TotalSeconds:0.0} s: {result.Outcome,-9} {(double.IsNaN(result.FaultToEndSeconds) ? "-" : $"{result.FaultToEndSeconds:0.0} s"),7}  {(result.EndedWithin ? "≤30 s" : ">30 s")} {(result.Honest ? "honest" : "NOT HONEST")}  ledger {(result.Balanced is { } b ? b ? "balanced" : "UNBALANCED" : "n/a")}  {result.Note}");
        }

        if (list)
        {
            return true;
        }

        Console.WriteLine();
        Table("fault", all.GroupBy(t => t.Kind));
        Console.WriteLine();
        Table("victim", all.GroupBy(t => t.Role));
        var left = LeftBehind(root, redisPorts);
        Console.WriteLine();
        Console.WriteLine($"  processes left behind (silos, CLIs, redis-servers this run started, or children of the bench): {(left.Count == 0 ? "none" : string.Join("; ", left))}");
        Console.WriteLine($"  seed {seed}; {ClusterBenchmarks.LoadAverage()}");
        return left.Count == 0 && all.All(t => t.Honest);
    }

    private static void Table(string by, IEnumerable<IGrouping<string, Try>> groups)
    {
        Console.WriteLine($"  {by,-13} {"tries",5} {"ended ≤30 s",12} {"honest",7} {"outcomes",-34} {"ledgers",-10} {"slowest",8}");
        foreach (var group in groups)
        {
            var outcomes = string.Join(", ", group.GroupBy(t => t.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
            var withLedger = group.Where(t => t.Balanced is not null).ToList();
            var slowest = group.Where(t => !double.IsNaN(t.FaultToEndSeconds)).Select(t => t.FaultToEndSeconds).DefaultIfEmpty(double.NaN).Max();
            Console.WriteLine($"  {group.Key,-13} {group.Count(),5} {group.Count(t => t.EndedWithin),12} {group.Count(t => t.Honest),7} {outcomes,-34} {$"{withLedger.Count(t => t.Balanced == true)}/{withLedger.Count}",-10} {(double.IsNaN(slowest) ? "-" : $"{slowest:0.0} s"),8}");
        }
    }

    private static async Task<Try> OnceAsync(string kind, string role, string verb, TimeSpan moment, int pick, HashSet<int> redisPorts)
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        redisPorts.Add(cluster.Redis.Port);
        var silos = cluster.Silos.ToList();

        // How the CLI reaches the cluster decides which silo is its gateway: through Redis (any silo) for the
        // coordinator and the cluster faults; two listed gateways for the gateway role; one for the others, so the
        // victim is neither the gateway nor (placed where the call came in) the coordinator's silo.
        string[] access = role switch
        {
            "gateway" => ["--gateway", $"127.0.0.1:{silos[0].GatewayPort},127.0.0.1:{silos[1].GatewayPort}"],
            "worker" or "idle" => ["--gateway", $"127.0.0.1:{silos[0].GatewayPort}"],
            _ => ["--redis", cluster.Redis.Endpoint],
        };
        string[] common = [.. access, "--cluster-id", cluster.ClusterId, "--connect-timeout", "60", "--format", "json"];
        string[] placement = role == "idle" ? ["--placement", "local"] : [];
        string[] args = verb switch
        {
            "run cpu" => ["run", "--workload", "cpu", "--workers", "6", "--work", "6000000", "--no-baseline", "--repeats", "1", "--warmup", "0", "--time-limit", $"{TimeLimitSeconds}s", .. placement, .. common],
            "run pingpong" => ["run", "--workload", "pingpong", "--workers", "6", "--work", "100000", "--repeats", "1", "--warmup", "0", "--time-limit", $"{TimeLimitSeconds}s", .. placement, .. common],
            "sweep cpu" => ["sweep", "--workload", "cpu", "--models", "process", "--workers", "2,6", "--work", "3000000", "--repeats", "1", "--warmup", "0", .. common],
            _ => ["load", "--grains", "20000", "--concurrency", "16", "--duration", "6s", .. common],
        };
        await using var cli = CliRun.Start(args);
        var line = await cli.StderrAsync(@"coordinator on silo 127\.0\.0\.1:(\d+)", TimeSpan.FromSeconds(120), "the CLI to name its coordinator's silo");
        var coordinatorPort = int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        var others = silos.Where(s => s.SiloPort != coordinatorPort).ToList();
        var victim = role switch
        {
            "coordinator" => silos.Single(s => s.SiloPort == coordinatorPort),
            "gateway" => silos.Take(2).FirstOrDefault(s => s.SiloPort != coordinatorPort) ?? silos[0],
            "worker" or "idle" => others[pick % others.Count],
            _ => null,
        };
        await Task.WhenAny(Task.Delay(moment), cli.ExitAsync(_cliBound)); // the random moment, unless the run ended first
        if (cli.HasExited)
        {
            var early = await cli.ExitAsync(_cliBound);
            return new Try(kind, role, verb, double.NaN, true, OutcomeOf(early) != "none", OutcomeOf(early), Balanced(early), "ended before the fault");
        }

        var fault = Stopwatch.StartNew();
        var steps = StepLines(cli.Stderr);
        using var watching = new CancellationTokenSource();
        var nextStep = NextStepAsync(cli, steps, fault, watching.Token);
        var ended = ExitWithinAsync(cli);
        var note = victim is null ? "" : $"silo {victim.SiloPort}";
        switch (kind)
        {
            case "sigkill":
                victim!.Process.Kill();
                break;
            case "sigterm":
                Loopback.Terminate(victim!.Process);
                break;
            case "sigstop-20s":
                Signals.Send(victim!.Process.Id, "STOP");
                try
                {
                    await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(20)));
                }
                finally
                {
                    Signals.Send(victim.Process.Id, "CONT");
                }

                break;
            case "redis-restart":
                note = "redis";
                await cluster.Redis.KillAsync();
                await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(5)));
                await cluster.Redis.StartAgainAsync();
                break;
            default:
                note = "a fourth silo";
                cluster.AddSilo();
                break;
        }

        var outcome = await ended;
        var endedAfter = fault.Elapsed.TotalSeconds;
        await watching.CancelAsync();
        var stepEnded = await nextStep;
        if (outcome is null)
        {
            return new Try(kind, role, verb, double.NaN, stepEnded is { } s0 && s0 <= _endsWithin.TotalSeconds, false, "outlived", null,
                $"{note}; still running {_cliBound.TotalSeconds:0} s after the fault (killed)");
        }

        // Ended within 30 s: the CLI exited, or the step in flight gave way to the next (or to itself, run again).
        var firstEnd = Math.Min(endedAfter, stepEnded ?? double.MaxValue);
        var within = firstEnd <= _endsWithin.TotalSeconds;

        // Honest: a record, a balanced ledger, and a lost outcome only within 30 s of the fault (a run that
        // completed or recovered may take its time, within its bound).
        var result = OutcomeOf(outcome);
        var balanced = Balanced(outcome);
        var honest = result != "none" && balanced != false && (within || result is "completed" or "recovered");
        var rerun = outcome.Stderr.Contains("again, on the surviving silos", StringComparison.Ordinal);
        if (!within || !honest)
        {
            // What the CLI said, so a miss can be read without replaying it: its progress names each step's seconds.
            foreach (var said in outcome.Stderr.Split('\n').TakeLast(12))
            {
                Console.WriteLine($"        | {said}");
            }
        }

        return new Try(kind, role, verb, firstEnd, within, honest, result, balanced, $"{note}; exit {outcome.ExitCode}{(rerun ? "; step run again" : "")}{Phases(outcome)}{FirstFailure(outcome)}");
    }

    /// <summary>The CLI's exit within the bound, or null (then it is killed on dispose).</summary>
    private static async Task<CliRun.Outcome?> ExitWithinAsync(CliRun cli)
    {
        try
        {
            return await cli.ExitAsync(_cliBound);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Seconds from the fault to the first step line after it (a new step, or the step run again); null if none came.</summary>
    private static async Task<double?> NextStepAsync(CliRun cli, int before, Stopwatch fault, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (StepLines(cli.Stderr) > before)
                {
                    return fault.Elapsed.TotalSeconds;
                }

                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return StepLines(cli.Stderr) > before ? fault.Elapsed.TotalSeconds : null;
    }

    private static int StepLines(string stderr) => StepLine().Count(stderr);

    /// <summary>
    /// The processes this benchmark started that are still in the process table: a silo or CLI run from this tree's
    /// builds, a redis-server on one of its ports, or any child of the benchmark itself.
    /// </summary>
    private static List<string> LeftBehind(string root, HashSet<int> redisPorts)
    {
        var left = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                var parent = File.ReadAllLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?.Split('\t', ' ').Last();
                var ours = args.Any(a => a.StartsWith(root, StringComparison.Ordinal) && (a.EndsWith("ProcessMesh.Silo.dll", StringComparison.Ordinal) || a.EndsWith("processmesh.dll", StringComparison.Ordinal)))
                    || (args.FirstOrDefault()?.Contains("redis-server", StringComparison.Ordinal) == true && args.Any(a => redisPorts.Any(p => a.EndsWith($":{p}", StringComparison.Ordinal) || a == p.ToString(CultureInfo.InvariantCulture))))
                    || parent == Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
                if (ours)
                {
                    left.Add($"pid {pid}: {string.Join(' ', args)}");
                }
            }
            catch (IOException)
            {
                // it exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
                // not ours
            }
        }

        return left;
    }

    private static string OutcomeOf(CliRun.Outcome outcome)
    {
        var runs = Runs(outcome);
        return runs.Count == 0 ? "none" : runs.Any(r => r.Outcome == "lost") ? "lost" : runs.Any(r => r.Outcome == "recovered") ? "recovered" : "completed";
    }

    private static bool? Balanced(CliRun.Outcome outcome)
    {
        var ledgers = Runs(outcome).Where(r => r.Ledger is not null).ToList();
        return ledgers.Count == 0 ? null : ledgers.All(r => r.Ledger!.Value.Sent == r.Ledger.Value.Delivered + r.Ledger.Value.Failed);
    }

    private static List<(string Outcome, (long Sent, long Delivered, long Failed)? Ledger)> Runs(CliRun.Outcome outcome)
    {
        var start = outcome.Stdout.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        try
        {
            using var json = JsonDocument.Parse(outcome.Stdout[start..]);
            return [.. json.RootElement.GetProperty("runs").EnumerateArray().Select(r => (
                r.TryGetProperty("outcome", out var o) ? o.GetString() ?? "completed" : "completed",
                r.TryGetProperty("ledger", out var l) && l.ValueKind == JsonValueKind.Object
                    ? ((long, long, long)?)(l.GetProperty("sent").GetInt64(), l.GetProperty("delivered").GetInt64(), l.GetProperty("failed").GetInt64())
                    : null))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The measured phases' wall seconds of the records printed: what of the time from the fault to the end was the
    /// runs' own length, and what was a wait around them.
    /// </summary>
    private static string Phases(CliRun.Outcome outcome)
    {
        var start = outcome.Stdout.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        try
        {
            using var json = JsonDocument.Parse(outcome.Stdout[start..]);
            var walls = json.RootElement.GetProperty("runs").EnumerateArray()
                .Select(r => r.TryGetProperty("wallSeconds", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetDouble() : double.NaN)
                .Where(w => !double.IsNaN(w)).ToList();
            return walls.Count == 0 ? "" : $"; measured phase {string.Join(" + ", walls.Select(w => w.ToString("0.0", CultureInfo.InvariantCulture)))} s";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string FirstFailure(CliRun.Outcome outcome) =>
        FailureLine().Match(outcome.Stderr) is { Success: true } m ? $"; {m.Groups[1].Value}" : "";

    [GeneratedRegex(@"processmesh: (?:failed: |lost: )(.*)")]
    private static partial Regex FailureLine();

    [GeneratedRegex(@"(?m)^processmesh: \[\d+\] ")]
    private static partial Regex StepLine();
}
