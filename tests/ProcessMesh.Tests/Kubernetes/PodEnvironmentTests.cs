using System.Diagnostics;
using System.Text.Json;
using k8s.Models;
using ProcessMesh.Silo.Http;
using ProcessMesh.Tests.Cli;
using Xunit.Abstractions;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>
/// Two real silo processes with the environment the local overlay's pods get (POD_NAME, POD_IP, kubernetes
/// clustering, membership in a real Redis), each on free ports: they form one cluster, answer the probe paths
/// and /metrics, are unready before they join and again once SIGTERM starts, and leave cleanly.
/// </summary>
public sealed class PodEnvironmentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_silos_with_a_pods_environment_form_one_cluster_and_answer_their_probes()
    {
        var pod = Manifests.Load(await Manifests.RenderAsync("local")).Single<V1Deployment>("processmesh-silo").Spec.Template;
        var container = pod.Spec.Containers.Single();
        var clusterId = $"pod-{Guid.NewGuid():N}";
        // The pods read the Redis password from a Secret; this Redis asks for what the test gives that Secret.
        await using var redis = await Cluster.RedisServer.StartAsync(password: ManifestTests.SecretValue);
        var redisAnswered = Stopwatch.StartNew();

        Dictionary<string, string> Environment(string podName)
        {
            var environment = ManifestTests.PodEnvironment(pod, container, podIp: "127.0.0.1", podName: podName);
            Assert.Equal("kubernetes", environment["ProcessMesh__Clustering"]);
            environment["ProcessMesh__Redis"] = redis.Endpoint;
            environment["ProcessMesh__ClusterId"] = clusterId;
            environment["ProcessMesh__SiloPort"] = ProbedSilo.Text(ProbedSilo.FreePort());
            environment["ProcessMesh__GatewayPort"] = ProbedSilo.Text(ProbedSilo.FreePort());
            environment["ProcessMesh__HttpPort"] = ProbedSilo.Text(ProbedSilo.FreePort());
            return environment;
        }

        var silo = Path.Combine(AppContext.BaseDirectory, "ProcessMesh.Silo.dll");
        var environmentA = Environment("processmesh-silo-a");
        await using var a = ProbedSilo.Start(silo, environmentA);
        await a.WaitForAsync(SiloEndpoints.Ready, 200, TimeSpan.FromMinutes(1));
        output.WriteLine($"silo a ready {redisAnswered.Elapsed.TotalSeconds:0.00} s after Redis answered (process start, join, HTTP)");

        // While Redis takes no writes, silo b cannot enter the membership table: it serves HTTP, but is neither
        // started nor ready until the writes resume.
        Assert.Equal("+OK", await RedisCommand.SendAsync(redis, "CLIENT", "PAUSE", "120000", "WRITE"));
        var environmentB = Environment("processmesh-silo-b");
        await using var b = ProbedSilo.Start(silo, environmentB);
        try
        {
            await b.WaitForAsync(SiloEndpoints.Live, 200, TimeSpan.FromMinutes(1));
            Assert.Equal(503, (await b.GetAsync(SiloEndpoints.Ready)).Status);
            Assert.Equal(503, (await b.GetAsync(SiloEndpoints.Startup)).Status);
        }
        finally
        {
            Assert.Equal("+OK", await RedisCommand.SendAsync(redis, "CLIENT", "UNPAUSE"));
        }

        await b.WaitForAsync(SiloEndpoints.Startup, 200, TimeSpan.FromMinutes(1));
        await b.WaitForAsync(SiloEndpoints.Ready, 200, TimeSpan.FromMinutes(1));

        // One cluster: a run through silo a's gateway counts both silos.
        var run = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--model", "process", "--workload", "ring", "--workers", "4", "--work", "400",
            "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--gateway", $"127.0.0.1:{environmentA["ProcessMesh__GatewayPort"]}", "--cluster-id", clusterId);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        using (var json = JsonDocument.Parse(run.Stdout))
        {
            var record = json.RootElement.GetProperty("runs")[0];
            Assert.Equal(2, record.GetProperty("silos").GetInt32());
            Assert.True(record.GetProperty("correct").GetBoolean());
        }

        // Metrics in Prometheus text: Orleans' activation count on both, the run on the silo that coordinated it.
        var (status, metrics) = await a.GetAsync(SiloEndpoints.Metrics);
        Assert.Equal(200, status);
        Assert.Matches(@"(?m)^orleans_catalog_activations\{[^}]*\} \d+", metrics);
        Assert.Matches(@"(?m)^processmesh_runs_total\{[^}]*model=""process""[^}]*workload=""ring""[^}]*\} 1$", metrics);
        Assert.Matches(@"(?m)^processmesh_messages_total\{[^}]*\} [1-9]\d*$", metrics);
        Assert.Matches(@"(?m)^processmesh_run_workers\{[^}]*\} 4$", metrics);
        Assert.Matches(@"(?m)^processmesh_run_duration_seconds_count\{[^}]*\} 1$", metrics);
        Assert.Matches(@"(?m)^processmesh_latency_microseconds\{[^}]*percentile=""p99""[^}]*\} ", metrics);
        Assert.Matches(@"(?m)^orleans_catalog_activations\{[^}]*\} \d+", (await b.GetAsync(SiloEndpoints.Metrics)).Body);
        Assert.Equal(200, (await a.GetAsync(SiloEndpoints.Dashboard + "/")).Status);

        // SIGTERM: b turns unready while it leaves (Redis holds its leaving, so the moment can be seen), exits
        // cleanly, and a stays ready; then a leaves the same way.
        await LeaveAsync(b, redis);
        Assert.Equal(200, (await a.GetAsync(SiloEndpoints.Ready)).Status);
        await LeaveAsync(a, redis);
    }

    /// <summary>
    /// SIGTERM with Redis taking no writes: the silo cannot record its leaving, so it is still shutting down, and
    /// readiness must answer 503 while liveness still answers 200. Then writes resume and it must exit cleanly.
    /// </summary>
    private static async Task LeaveAsync(ProbedSilo silo, Cluster.RedisServer redis)
    {
        Assert.Equal("+OK", await RedisCommand.SendAsync(redis, "CLIENT", "PAUSE", "120000", "WRITE"));
        try
        {
            silo.Terminate();
            await silo.WaitForAsync(SiloEndpoints.Ready, 503, TimeSpan.FromMinutes(1));
            Assert.Equal(200, (await silo.GetAsync(SiloEndpoints.Live)).Status);
        }
        finally
        {
            Assert.Equal("+OK", await RedisCommand.SendAsync(redis, "CLIENT", "UNPAUSE"));
        }

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the silo did not exit after SIGTERM:\n{silo.Log}");
        Assert.True(silo.ExitCode == 0, $"the silo exited with {silo.ExitCode}:\n{silo.Log}");
    }
}
