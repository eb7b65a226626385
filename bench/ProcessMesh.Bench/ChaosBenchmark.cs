using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProcessMesh.Tests.Cli;
using ProcessMesh.Tests.Cluster;

namespace ProcessMesh.Bench;

/// <summary>
/// <c>bench -- chaos [--tries N] [--seed S]</c>: each try starts a fresh Redis and 3 silo processes, runs the real
/// CLI against them (a verb and workload drawn at random) and injects one fault at a random moment on a random
/// silo of a random role; every fault kind gets <c>N</c> tries. Per kind it reports how many runs ended honestly
/// within 30 s of the fault (the CLI exited, or said it runs the step again on the survivors), their outcomes,
/// whether every ledger balanced, and the slowest. The seed is printed, so a failure can be replayed.
/// </summary>
internal static partial class ChaosBenchmark
{
    private static readonly string[] _kinds = ["sigkill", "sigstop-20s", "sigterm", "redis-restart", "silo-start"];
    private static readonly TimeSpan _endsWithin = TimeSpan.FromSeconds(30);
    private const int TimeLimitSeconds = 60;

    /// <summary>Seconds the CLI may take at most: its time limit, its grace, and its own start and exit.</summary>
    private static readonly TimeSpan _cliBound = TimeSpan.FromSeconds(TimeLimitSeconds + 60 + 60);

    private sealed record Try(string Kind, string Verb, string Role, double FaultToEndSeconds, bool EndedWithin, string Outcome, bool? Balanced, bool OutlivedLimit, string Note);

    public static async Task<bool> RunAsync(int tries, int seed)
    {
        var cli = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../client/bin/Release/net10.0/processmesh.dll"));
        if (!File.Exists(cli))
        {
            await Console.Error.WriteLineAsync($"bench: chaos runs the built CLI, which is not at {cli} (dotnet build client -c Release)");
            return false;
        }

        CliRun.Program = cli;
        Console.WriteLine();
        Console.WriteLine($"chaos: {tries} tries per fault kind, each on a fresh Redis and 3 silo processes; seed {seed} (replay: bench -- chaos --tries {tries} --seed {seed})");
        var random = new Random(seed);
        var all = new List<Try>();
        for (var i = 0; i < tries; i++)
        {
            foreach (var kind in _kinds)
            {
                var verb = random.Next(3) switch { 0 => "run cpu", 1 => "run pingpong", _ => "sweep cpu" };
                var role = random.Next(2) == 0 ? "coordinator" : "other";
                var moment = TimeSpan.FromSeconds(random.NextDouble() * 4);
                var pick = random.Next();
                Try result;
                try
                {
                    result = await OnceAsync(kind, verb, role, moment, pick);
                }
                catch (Exception e)
                {
                    result = new Try(kind, verb, role, double.NaN, false, "harness failed", null, false, e.Message.Split('\n')[0]);
                }

                all.Add(result);
                Console.WriteLine($"  {kind,-14} {verb,-13} {role,-11} at +{moment.TotalSeconds:0.0} s: {result.Outcome,-9} {(double.IsNaN(result.FaultToEndSeconds) ? "-" : $"{result.FaultToEndSeconds:0.0} s"),8}  ledger {(result.Balanced is { } b ? b ? "balanced" : "UNBALANCED" : "n/a")}  {result.Note}");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"  {"fault",-14} {"tries",5} {"ended ≤30 s",12} {"outcomes",-36} {"ledgers",-12} {"slowest",8} {"outlived limit",15}");
        foreach (var group in all.GroupBy(t => t.Kind))
        {
            var outcomes = string.Join(", ", group.GroupBy(t => t.Outcome).Select(g => $"{g.Count()} {g.Key}"));
            var withLedger = group.Where(t => t.Balanced is not null).ToList();
            var slowest = group.Where(t => !double.IsNaN(t.FaultToEndSeconds)).Select(t => t.FaultToEndSeconds).DefaultIfEmpty(double.NaN).Max();
            Console.WriteLine($"  {group.Key,-14} {group.Count(),5} {group.Count(t => t.EndedWithin),12} {outcomes,-36} {$"{withLedger.Count(t => t.Balanced == true)}/{withLedger.Count} bal.",-12} {(double.IsNaN(slowest) ? "-" : $"{slowest:0.0} s"),8} {group.Count(t => t.OutlivedLimit),15}");
        }

        Console.WriteLine($"  seed {seed}; {ClusterBenchmarks.LoadAverage()}");
        return all.All(t => t.EndedWithin && t.Balanced != false && !t.OutlivedLimit);
    }

    private static async Task<Try> OnceAsync(string kind, string verb, string role, TimeSpan moment, int pick)
    {
        await using var cluster = await RedisSiloCluster.StartAsync(3, TimeSpan.FromSeconds(150));
        string[] common = ["--redis", cluster.Redis.Endpoint, "--cluster-id", cluster.ClusterId, "--connect-timeout", "60", "--format", "json", "--repeats", "1", "--warmup", "0"];
        string[] args = verb switch
        {
            "run cpu" => ["run", "--workload", "cpu", "--workers", "6", "--work", "6000000", "--no-baseline", "--time-limit", $"{TimeLimitSeconds}s", .. common],
            "run pingpong" => ["run", "--workload", "pingpong", "--workers", "6", "--work", "100000", "--time-limit", $"{TimeLimitSeconds}s", .. common],
            _ => ["sweep", "--workload", "cpu", "--models", "process", "--workers", "2,6", "--work", "3000000", .. common],
        };
        var started = Stopwatch.StartNew();
        await using var cli = CliRun.Start(args);
        var line = await cli.StderrAsync(@"coordinator on silo 127\.0\.0\.1:(\d+)", TimeSpan.FromSeconds(120), "the CLI to name its coordinator's silo");
        var coordinatorPort = int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        var others = cluster.Silos.Where(s => s.SiloPort != coordinatorPort).ToList();
        var victim = role == "coordinator" ? cluster.Silos.Single(s => s.SiloPort == coordinatorPort) : others[pick % others.Count];
        await Task.WhenAny(Task.Delay(moment), cli.ExitAsync(_cliBound)); // the random moment, unless the run ended first
        if (cli.HasExited)
        {
            var early = await cli.ExitAsync(_cliBound);
            return new Try(kind, verb, role, double.NaN, true, OutcomeOf(early), Balanced(early), false, "ended before the fault");
        }

        var fault = Stopwatch.StartNew();
        var ended = cli.ExitAsync(_cliBound);
        var again = cli.StderrAsync("again, on the surviving silos", _endsWithin, "a step run again");
        var note = $"silo {victim.SiloPort}";
        switch (kind)
        {
            case "sigkill":
                victim.Process.Kill();
                break;
            case "sigterm":
                Loopback.Terminate(victim.Process);
                break;
            case "sigstop-20s":
                Signals.Send(victim.Process.Id, "STOP");
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
        var rerunSeen = again.IsCompletedSuccessfully;
        _ = again.ContinueWith(t => t.Exception, TaskScheduler.Default);

        // An honest end: the CLI exited within 30 s of the fault, or said within 30 s that it runs the step again;
        // a fault the run need not notice (Redis restarted, a silo added) must only let the run finish.
        var harmless = kind is "redis-restart" or "silo-start" || role == "other" && verb == "run cpu";
        // A run that printed no record at all did not end honestly, however soon.
        var within = OutcomeOf(outcome) != "none" && (endedAfter <= _endsWithin.TotalSeconds || rerunSeen || harmless);
        var outlived = started.Elapsed > TimeSpan.FromSeconds(TimeLimitSeconds) + TimeSpan.FromSeconds(60) + TimeSpan.FromSeconds(30) && verb != "sweep cpu";
        return new Try(kind, verb, role, endedAfter, within, OutcomeOf(outcome), Balanced(outcome), outlived, $"{note}; exit {outcome.ExitCode}{(rerunSeen ? "; step run again" : "")}{FirstFailure(outcome)}");
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

    private static string FirstFailure(CliRun.Outcome outcome) =>
        FailureLine().Match(outcome.Stderr) is { Success: true } m ? $"; {m.Groups[1].Value}" : "";

    [GeneratedRegex(@"processmesh: (?:failed: |lost: )(.*)")]
    private static partial Regex FailureLine();
}
