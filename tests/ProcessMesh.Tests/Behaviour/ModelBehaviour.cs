using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Behaviour;

/// <summary>
/// The behaviour every model must show: each workload's answer is correct at 1, 2 and 7 workers, and the
/// record describes what ran. One subclass per model runs this whole suite.
/// </summary>
[Collection(ClusterCollection.Name)]
public abstract class ModelBehaviour(ClusterFixture cluster, string model)
{
    public static TheoryData<Workload, int> Cases()
    {
        var cases = new TheoryData<Workload, int>();
        foreach (var workload in Enum.GetValues<Workload>())
        {
            foreach (var workers in new[] { 1, 2, 7 })
            {
                cases.Add(workload, workers);
            }
        }

        return cases;
    }

    /// <summary>Sizes small enough for a loaded 2-core CI machine, large enough for every worker to have work.</summary>
    public static RunSpec Small(string model, Workload workload, int workers) => new()
    {
        Model = model,
        Workload = workload,
        Workers = workers,
        Work = workload switch
        {
            Workload.Cpu => 3_000,
            Workload.Io => 30,
            Workload.Stencil => 500,
            _ => 700,
        },
        Granularity = workload == Workload.Cpu ? 100 : 1,
        Steps = 20,
        IoMillis = 1,
        PayloadBytes = 16,
        MemoryBytes = 64 * 1024,
        Sync = SyncPrimitive.Lock,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_workload_gives_the_expected_answer(Workload workload, int workers)
    {
        var result = await cluster.RunAsync(Small(model, workload, workers));

        Assert.True(result.Correct, $"{model} {workload} ×{workers}: expected {result.Expected}, got {result.Actual}");
        Assert.Equal(result.Expected, result.Actual);
        Assert.Equal(0, result.LostUpdates);
        Assert.Equal(model, result.Model);
        Assert.Equal(workload.ToString().ToLowerInvariant(), result.Workload);
        Assert.Equal(workers, result.Workers);
        Assert.True(result.WallSeconds > 0, "wall time was not measured");
        Assert.True(result.Throughput > 0, "throughput was not derived");
        Assert.True(result.Latency.Count > 0 || (workload == Workload.Ring && workers > 700), "no latency was recorded");
        Assert.True(result.Latency.P50 <= result.Latency.P99 && result.Latency.P99 <= result.Latency.Max);
        Assert.Equal(Environment.ProcessorCount, result.Machine.Cores);
        Assert.Equal(1, result.Silos);
    }
}

public sealed class ProcessModelBehaviour(ClusterFixture cluster) : ModelBehaviour(cluster, Models.Process);

public sealed class ThreadModelBehaviour(ClusterFixture cluster) : ModelBehaviour(cluster, Models.Thread);

public sealed class GilModelBehaviour(ClusterFixture cluster) : ModelBehaviour(cluster, Models.Gil);
