using System.Globalization;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Tests.Behaviour;

/// <summary>
/// The behaviour every model must show: every workload (each folder the catalog finds, so a new workload is
/// tested without editing this file) finishes under a deadline and gives the expected answer at 1, 2 and 7
/// workers, and the record describes what ran. One subclass per model runs this whole suite; the thread models
/// also run every primitive and native compute, where a hang would show.
/// </summary>
[Collection(ClusterCollection.Name)]
public abstract class ModelBehaviour(ClusterFixture cluster, string model)
{
    /// <summary>The model under test.</summary>
    protected string Model { get; } = model;

    /// <summary>The longest one small run may take on a loaded 2-core machine before it counts as a hang.</summary>
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var workload in WorkloadCatalog.Names)
        {
            foreach (var workers in new[] { 1, 2, 7 })
            {
                cases.Add(workload, workers);
            }
        }

        return cases;
    }

    public static TheoryData<string, int, SyncPrimitive, bool> Variants()
    {
        var cases = new TheoryData<string, int, SyncPrimitive, bool>();
        foreach (var workload in WorkloadCatalog.Names)
        {
            foreach (var workers in new[] { 1, 2, 7 })
            {
                foreach (var sync in Enum.GetValues<SyncPrimitive>())
                {
                    foreach (var native in new[] { false, true })
                    {
                        cases.Add(workload, workers, sync, native);
                    }
                }
            }
        }

        return cases;
    }

    /// <summary>Sizes small enough for a loaded 2-core CI machine, large enough for every worker to have work.</summary>
    public static RunSpec Small(string model, string workload, int workers) => new()
    {
        Model = model,
        Workload = new Workload(workload),
        Workers = workers,
        Work = WorkloadCatalog.Get(new Workload(workload)).QuickWork,
        Granularity = workload == "cpu" ? 100 : 1,
        Steps = 20,
        IoMillis = 1,
        PayloadBytes = 16,
        MemoryBytes = 64 * 1024,
        Sync = SyncPrimitive.Lock,
    };

    protected async Task<RunResult> RunAsync(RunSpec spec)
    {
        try
        {
            return await cluster.RunAsync(spec).WaitAsync(_deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{spec.Model} {spec.Workload} ×{spec.Workers} (sync {spec.Sync}, native {spec.Native}) did not finish in {_deadline.TotalSeconds} s: a hang");
        }
    }

    /// <summary>
    /// Whether the model runs <paramref name="workload"/>; a workload it does not run must be refused, typed and
    /// naming the model, before anything runs.
    /// </summary>
    protected virtual bool Runs(IWorkload workload) => true;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_workload_gives_the_expected_answer(string workload, int workers)
    {
        if (!Runs(WorkloadCatalog.Get(new Workload(workload))))
        {
            var refused = await Assert.ThrowsAsync<RunRefusedException>(() => RunAsync(Small(Model, workload, workers)));
            Assert.Equal(RefusedSetting.Model, refused.Setting);
            Assert.Contains(workload, refused.Message, StringComparison.Ordinal);
            return;
        }

        var result = await RunAsync(Small(Model, workload, workers));

        Assert.True(result.Correct, $"{Model} {workload} ×{workers}: expected {result.Expected}, got {result.Actual}");
        Assert.Equal(result.Expected, result.Actual);
        Assert.Equal(0, result.LostUpdates);
        Assert.Equal(Model, result.Model);
        Assert.Equal(workload, result.Workload);
        Assert.Equal(workers, result.Workers);
        Assert.True(result.WallSeconds > 0, "wall time was not measured");
        Assert.True(result.Throughput > 0, "throughput was not derived");
        Assert.True(result.Latency.Count > 0, "no latency was recorded");
        Assert.True(result.Latency.P50 <= result.Latency.P99 && result.Latency.P99 <= result.Latency.Max);
        Assert.Equal(Environment.ProcessorCount, result.Machine.Cores);
        Assert.Equal(1, result.Silos);
        // A measured phase under 0.2 s is mostly start-up, and the record says so; a longer one does not.
        Assert.Equal(result.WallSeconds < 0.2, result.Notes.Any(n => n.Contains("steady state", StringComparison.Ordinal)));
    }
}

public sealed class ProcessModelBehaviour(ClusterFixture cluster) : ModelBehaviour(cluster, Models.Process);

/// <summary>
/// <c>hybrid</c>: a pool of threads per silo, pools exchanging their shares by message. It runs every workload
/// whose answer adds up over disjoint shares and refuses the rest.
/// </summary>
public sealed class HybridModelBehaviour(ClusterFixture cluster) : ModelBehaviour(cluster, Models.Hybrid)
{
    protected override bool Runs(IWorkload workload) => workload.Splits;
}

/// <summary>The shared-memory models also run every primitive with and without native compute.</summary>
public abstract class SharedMemoryModelBehaviour(ClusterFixture cluster, string model) : ModelBehaviour(cluster, model)
{
    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_primitive_and_native_compute_finish_and_lose_nothing_unless_unguarded(string workload, int workers, SyncPrimitive sync, bool native)
    {
        var result = await RunAsync(Small(Model, workload, workers) with { Sync = sync, Native = native });

        if (sync != SyncPrimitive.None)
        {
            Assert.True(result.Correct, $"{Model} {workload} ×{workers} sync {sync} native {native}: expected {result.Expected}, got {result.Actual}");
            Assert.Equal(0, result.LostUpdates);
        }
        else if (WorkloadCatalog.Get(new Workload(workload)).CountsLostUpdates)
        {
            // Unguarded, updates may be lost, but never silently: the answer falls short by exactly the count.
            var shortBy = decimal.Parse(result.Expected, CultureInfo.InvariantCulture) - decimal.Parse(result.Actual, CultureInfo.InvariantCulture);
            Assert.True(shortBy == result.LostUpdates, $"{Model} {workload} ×{workers} sync none native {native}: {shortBy} units short, {result.LostUpdates} counted as lost");
            Assert.Equal(result.LostUpdates == 0, result.Correct);
        }
        else
        {
            // A workload that does not count lost updates may still race unguarded (trapezoid's shared sum does):
            // then the record must say the answer is wrong, never count a loss it cannot see.
            Assert.Equal(result.Expected == result.Actual, result.Correct);
            Assert.Equal(0, result.LostUpdates);
        }
    }
}

public sealed class ThreadModelBehaviour(ClusterFixture cluster) : SharedMemoryModelBehaviour(cluster, Models.Thread);

public sealed class GilModelBehaviour(ClusterFixture cluster) : SharedMemoryModelBehaviour(cluster, Models.Gil);
