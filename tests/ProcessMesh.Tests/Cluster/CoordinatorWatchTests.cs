using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Silo;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// The client's watch of a coordinator call, against an in-process silo made slow on purpose (a grain call filter
/// holds its answers back, as an overloaded silo would) and a gateway port the test opens and closes: a silence is
/// waited out while nothing shows a loss, a refused gateway port ends the wait, and a call given up on stops its run
/// in the cluster. Each test has a cluster of its own; they run alone, like the other multi-silo tests.
/// </summary>
[Collection(MultiSiloCollection.Name)]
public sealed class CoordinatorWatchTests
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_silo_that_is_alive_but_slow_to_answer_is_waited_for_not_called_lost()
    {
        await using var cluster = await StartAsync();
        using var gateway = Listening();
        var watch = new CoordinatorWatch(cluster.Client, ClusterAccess.ThroughGateways([(IPEndPoint)gateway.LocalEndpoint], "test"));
        var key = Guid.NewGuid();

        // The silo holds back the coordinator's Home() and every membership read for longer than the watch's silence.
        SlowAnswers.Hold(key, CoordinatorWatch.Unanswered + TimeSpan.FromSeconds(4));
        var call = await watch.CallAsync(c => c.Run(new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 2, Work = 2_000, Granularity = 100 }), TimeSpan.FromSeconds(60), CancellationToken.None, key: key)
            .WaitAsync(_deadline);

        Assert.True(call.End == CallEnd.Answered, $"a slow silo was called {call.End}: {call.Reason}");
        Assert.Equal(Outcomes.Completed, call.Value!.Outcome);
        Assert.True(SlowAnswers.Held > 0, "the silo never held an answer back: the test did not make it slow");
    }

    [Fact]
    public async Task A_silence_while_the_gateway_port_refuses_is_a_lost_connection_naming_it()
    {
        await using var cluster = await StartAsync();
        var gateway = Listening();
        var endpoint = (IPEndPoint)gateway.LocalEndpoint;
        var watch = new CoordinatorWatch(cluster.Client, ClusterAccess.ThroughGateways([endpoint], "test"));
        var key = Guid.NewGuid();
        SlowAnswers.Hold(key, _deadline);
        try
        {
            var call = watch.CallAsync(c => c.Run(new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 2, Work = 2_000, Granularity = 100 }), TimeSpan.FromSeconds(60), CancellationToken.None, key: key);

            // The watch notes the gateway listening as the call begins (it connects once); then the gateway stops.
            using (await gateway.AcceptSocketAsync().WaitAsync(_deadline))
            {
            }

            gateway.Stop();
            var lost = await call.WaitAsync(_deadline);

            Assert.Equal(CallEnd.ConnectionLost, lost.End);
            Assert.Contains($"lost the gateway {endpoint} (its port refuses connections)", lost.Reason, StringComparison.Ordinal);
        }
        finally
        {
            SlowAnswers.Hold(key, TimeSpan.Zero);
            gateway.Dispose();
        }
    }

    [Fact]
    public async Task An_interrupted_call_stops_its_run_in_the_cluster()
    {
        await using var cluster = await StartAsync();
        var watch = new CoordinatorWatch(cluster.Client, null);
        var key = Guid.NewGuid();
        var sinks = cluster.Silos.Single().ServiceProvider.GetRequiredService<RunSinks>();

        // A cpu run that would take many minutes, with a time limit of ten.
        using var interrupt = new CancellationTokenSource();
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 2, Work = 4_000_000_000, Granularity = 100_000, TimeLimitSeconds = 600 };
        var call = watch.CallAsync(c => c.Run(spec), TimeSpan.FromSeconds(spec.TimeLimitSeconds), interrupt.Token, key: key);
        var until = DateTime.UtcNow + _deadline;
        while (!sinks.Current.Any(s => s.Ledger.Delivered > 0))
        {
            Assert.False(call.IsCompleted, "the call ended before its run was measuring");
            Assert.True(DateTime.UtcNow < until, $"the run never reached its measured phase within {_deadline.TotalSeconds:0} s");
            await Task.Delay(20);
        }

        await interrupt.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(_deadline));

        // The coordinator answers another call only once its run has returned (it takes one call at a time), and its
        // run returns only after it stopped its workers: the run did not go on to its time limit.
        try
        {
            await cluster.Client.GetGrain<ICoordinatorGrain>(key).Home().WaitAsync(_deadline);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the coordinator's run went on after its client gave up on it ({_deadline.TotalSeconds:0} s)");
        }

        Assert.Equal(0, sinks.Running);
    }

    /// <summary>A loopback port that listens (accepts connections) as a live gateway's does.</summary>
    private static TcpListener Listening()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static Task<InProcessTestCluster> StartAsync() => ClusterFixture.DeployAsync(silos: 1, silo => silo.AddIncomingGrainCallFilter<SlowAnswers>());

    /// <summary>
    /// Holds back, until a moment the test sets, the answers an overloaded silo is slow to give: the coordinator's
    /// <c>Home()</c> (for one coordinator key) and membership reads (<c>GetHosts</c>).
    /// </summary>
    private sealed class SlowAnswers : IIncomingGrainCallFilter
    {
        private static Guid _key;
        private static DateTime _until;
        private static int _held;
        private static CancellationTokenSource _release = new();

        public static int Held => _held;

        /// <summary>Holds answers back for <paramref name="span"/> from now (zero: lets every held answer go at once).</summary>
        public static void Hold(Guid key, TimeSpan span)
        {
            var released = Interlocked.Exchange(ref _release, new CancellationTokenSource());
            released.Cancel();
            released.Dispose();
            _key = key;
            _held = 0;
            _until = DateTime.UtcNow + span;
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            var method = context.InterfaceMethod?.Name;
            var held = (method == nameof(ICoordinatorGrain.Home) && context.TargetId.TryGetGuidKey(out var key, out _) && key == _key)
                || method == nameof(IManagementGrain.GetHosts);
            var left = _until - DateTime.UtcNow;
            if (held && left > TimeSpan.Zero)
            {
                Interlocked.Increment(ref _held);
                try
                {
                    await Task.Delay(left, _release.Token);
                }
                catch (OperationCanceledException)
                {
                    // released by the test
                }
            }

            await context.Invoke();
        }
    }
}
