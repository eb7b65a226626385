using System.Reflection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Workloads;

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
        // One worker class per workload, plus the shared base: a static field on any of them would be memory
        // that two processes share.
        Assert.Equal(WorkloadCatalog.All.Count + 1, _processWorkers.Length);
        var offenders = _processWorkers
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsLiteral)
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}")
            .ToList();

        Assert.Empty(offenders);
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
