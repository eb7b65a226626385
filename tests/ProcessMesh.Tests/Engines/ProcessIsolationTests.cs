using System.Reflection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Grains.Workloads.PingPong;

namespace ProcessMesh.Tests.Engines;

/// <summary>A process owns its memory: no static state in any process worker, and payloads are copies, never shared arrays.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProcessIsolationTests(ClusterFixture cluster)
{
    private static readonly Type[] _processWorkers = typeof(ProcessWorkerGrain).Assembly.GetTypes()
        .Where(t => typeof(ProcessWorkerGrain).IsAssignableFrom(t))
        .ToArray();

    [Fact]
    public void Every_workload_has_a_process_worker_and_none_keeps_static_state()
    {
        // One worker class per workload and its emulated twin, plus the shared base: a static field on any of them
        // would be memory that two processes share.
        Assert.Equal((2 * WorkloadCatalog.All.Count) + 1, _processWorkers.Length);
        var offenders = _processWorkers
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsLiteral)
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_process_worker_has_one_emulated_twin_and_only_the_twin_is_a_call_filter()
    {
        // A grain run's workers must not be call filters (Orleans builds an invoker for every call to a grain that is
        // its own filter); an emulated run's must, or their messages would pay nothing. Each workload declares the twin.
        var workers = _processWorkers.Where(t => !t.IsAbstract && !typeof(IIncomingGrainCallFilter).IsAssignableFrom(t)).ToList();
        Assert.Equal(WorkloadCatalog.All.Count, workers.Count);
        Assert.False(typeof(IIncomingGrainCallFilter).IsAssignableFrom(typeof(ProcessWorkerGrain)));
        foreach (var worker in workers)
        {
            var contract = worker.GetInterfaces().Single(i => i != typeof(IProcessWorker) && typeof(IProcessWorker).IsAssignableFrom(i));
            var (plain, twin) = ProcessWorkers.ClassesOf(contract);
            Assert.Equal(worker, plain);
            Assert.Equal(worker, twin.BaseType);
            Assert.True(typeof(IIncomingGrainCallFilter).IsAssignableFrom(twin), $"{twin.Name} is not a call filter");
        }
    }

    [Fact]
    public void A_grain_run_and_an_emulated_run_mean_different_classes_by_the_same_key()
    {
        var key = ProcessKeys.Of(Guid.NewGuid().ToString("N"), Placements.Local, 0);
        var grain = new RunSpec { Model = Models.Process, Workload = Workload.PingPong };
        var plain = ProcessWorkers.Get<IPingPongProcess>(cluster.Client, grain, key).GetGrainId();
        var emulated = ProcessWorkers.Get<IPingPongProcess>(cluster.Client, grain with { Emulate = Emulation.DotNet }, key).GetGrainId();

        Assert.Equal(plain, ProcessWorkers.Get<IPingPongProcess>(cluster.Client, grain, key).GetGrainId());
        Assert.NotEqual(plain.Type, emulated.Type);
        Assert.Contains("emulated", emulated.Type.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("emulated", plain.Type.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_received_payload_is_a_copy_that_the_sender_cannot_change()
    {
        byte[] inbox = [];
        var payload = new byte[] { 1, 2, 3 };
        PrivateMemory.Receive(ref inbox, payload);
        payload[0] = 99;

        Assert.NotSame(payload, inbox);
        Assert.Equal(1, inbox[0]);
    }

    [Fact]
    public async Task Pingpong_replies_are_the_partners_own_copies()
    {
        // The pinger counts a round only when the reply is not its own array (inside one silo an immutable
        // message is passed by reference, so only the receiver's copy keeps processes apart).
        var result = await cluster.RunAsync(new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 4, Work = 200, PayloadBytes = 64 });

        Assert.True(result.Correct, $"expected {result.Expected} verified round trips, got {result.Actual}");
    }
}
