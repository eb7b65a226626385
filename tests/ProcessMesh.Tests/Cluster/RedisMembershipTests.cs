using System.Text.Json;
using ProcessMesh.Silo;
using ProcessMesh.Tests.Cli;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// The membership store as Kubernetes runs it: a real redis-server that asks for a password, real silo processes and
/// the real CLI, which take the password from <c>ProcessMesh__RedisPassword</c> and never print it; and a Redis that
/// restarts empty (it keeps nothing on disk) in the middle of a running cluster, whose silos must register again.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class RedisMembershipTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan _cliTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_password_protected_redis_restarted_empty_gets_its_silos_back_and_the_password_is_never_printed()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        var outputs = new List<string>();
        await using var cluster = await RedisSiloCluster.StartAsync(2, TimeSpan.FromSeconds(150), redisPassword: password);
        var withPassword = new Dictionary<string, string> { [RedisEndpoint.PasswordVariable] = password };
        string[] join = ["--redis", cluster.Redis.Endpoint, "--cluster-id", cluster.ClusterId, "--connect-timeout", "60"];
        var silos = cluster.Silos.Select(s => s.SiloPort).ToHashSet();
        try
        {
            var before = await CliProcess.RunWithAsync(withPassword, _cliTimeout, ["cluster", "--format", "json", .. join]);
            outputs.Add(before.Stdout + before.Stderr);
            Assert.True(before.ExitCode == 0, $"cluster exited {before.ExitCode}: {before.Stderr}");
            Assert.Equal(2, JsonDocument.Parse(before.Stdout).RootElement.GetProperty("active").GetInt32());

            // Redis dies and comes back empty on the same port, as a Redis pod restarts on emptyDir.
            await cluster.Redis.KillAsync();
            await cluster.Redis.StartAgainAsync();
            await using (var connection = await cluster.ConnectAsync())
            {
                await Loopback.WaitUntilAsync(
                    async () => (await cluster.ActivePortsAsync(connection)).SetEquals(silos),
                    TimeSpan.FromSeconds(60),
                    "both silos active again in the restarted Redis's membership table",
                    () => string.Join("\n", cluster.Silos.Select(s => $"silo {s.SiloPort}: {s.Output}")));
            }

            // The first silo to find the table empty says so, naming both rows it wrote back (its log reaches the test a
            // moment after the rows reach Redis); the other then finds its row there and has nothing to write.
            await Loopback.WaitUntilAsync(
                () => Task.FromResult(cluster.Silos.Any(s => s.Log.Any(l => l.Contains("registered again, with the rows of the 2 active silos", StringComparison.Ordinal)))),
                TimeSpan.FromSeconds(30),
                "a silo's log line that it registered again with both silos' rows");

            // A new client joins through the restarted Redis and runs on both silos.
            var run = await CliProcess.RunWithAsync(withPassword, _cliTimeout,
                ["run", "--model", "process", "--workload", "ring", "--workers", "4", "--work", "400", "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", .. join]);
            outputs.Add(run.Stdout + run.Stderr);
            Assert.True(run.ExitCode == 0, $"run after the Redis restart exited {run.ExitCode}: {run.Stderr}");
            var record = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("runs")[0];
            Assert.Equal(2, record.GetProperty("silos").GetInt32());
            Assert.True(record.GetProperty("correct").GetBoolean());

            // Without the password, or with a wrong one: one line that says which variable, and no password in it.
            var wrong = $"wrong-{Guid.NewGuid():N}";
            foreach (var environment in new[] { new Dictionary<string, string>(), new Dictionary<string, string> { [RedisEndpoint.PasswordVariable] = wrong } })
            {
                var asked = System.Diagnostics.Stopwatch.StartNew();
                var refused = await CliProcess.RunWithAsync(environment, _cliTimeout, ["cluster", .. join]);
                output.WriteLine($"cluster {(environment.Count == 0 ? "without a password" : "with a wrong one")} exited {refused.ExitCode} after {asked.Elapsed.TotalSeconds:0.0} s");
                outputs.Add(refused.Stdout + refused.Stderr);
                Assert.True(refused.ExitCode == 3, $"cluster without the right password exited {refused.ExitCode}: {refused.Stderr}");
                var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("processmesh: --redis:", line, StringComparison.Ordinal);
                Assert.Contains(RedisEndpoint.PasswordVariable, line, StringComparison.Ordinal);
                Assert.DoesNotContain(wrong, line, StringComparison.Ordinal);
            }
        }
        finally
        {
            output.WriteLine(string.Join("\n", cluster.Silos.Select(s => $"silo {s.SiloPort}:\n{s.Output}")));
        }

        foreach (var text in outputs.Concat(cluster.Silos.Select(s => s.Output)))
        {
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_or_wrong_redis_password_is_named_at_once_not_when_the_clients_own_timeout_ends()
    {
        // Given an hour, the Redis client would name a refused password only sometimes at once, otherwise after 48
        // minutes (0.8 of it); the check asks the server itself on its first connection.
        var password = $"pw-{Guid.NewGuid():N}";
        await using var redis = await RedisServer.StartAsync(password: password);
        var wrong = $"wrong-{Guid.NewGuid():N}";

        async Task<string?> Problem(string? with)
        {
            try
            {
                return await RedisEndpoint.ProblemAsync(redis.Endpoint, TimeSpan.FromHours(1), with).WaitAsync(TimeSpan.FromMinutes(1));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the Redis check {(with is null ? "without a password" : with == password ? "with the password" : "with a wrong password")} gave no answer within a minute of its hour");
                throw;
            }
        }

        Assert.Equal($"the Redis at {redis.Endpoint} asks for a password (set {RedisEndpoint.PasswordVariable})", await Problem(null));
        Assert.Equal($"the Redis at {redis.Endpoint} refused the password in {RedisEndpoint.PasswordVariable}", await Problem(wrong));
        Assert.Null(await Problem(password));
    }

    [Fact]
    public async Task A_silo_with_a_wrong_redis_password_stops_with_one_line_that_does_not_print_it()
    {
        await using var redis = await RedisServer.StartAsync(password: $"pw-{Guid.NewGuid():N}");
        var wrong = $"wrong-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["Clustering"] = "redis", ["Redis"] = redis.Endpoint, ["RedisPassword"] = wrong, ["AdvertisedAddress"] = "127.0.0.1" });

        var exit = await silo.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 2, $"exit {exit}: {silo.Output}");
        var line = Assert.Single(silo.Errors, l => l.Length > 0);
        Assert.StartsWith($"silo: {SiloSettings.Key(nameof(SiloSettings.Redis))}: ", line, StringComparison.Ordinal);
        Assert.Contains(RedisEndpoint.PasswordVariable, line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, silo.Output, StringComparison.Ordinal);
    }
}
