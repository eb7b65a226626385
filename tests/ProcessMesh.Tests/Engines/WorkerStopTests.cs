using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads.PingPong;

namespace ProcessMesh.Tests.Engines;

/// <summary>
/// Stopping a process worker reaches it while it is still busy: after a run is lost, its surviving pingers must not
/// ping on for minutes, nor hold the run's record while the engine waits for them to stop.
/// </summary>
public sealed class WorkerStopTests
{
    [Fact]
    public async Task Stop_reaches_a_pinger_in_the_middle_of_its_loop_and_ends_the_loop()
    {
        await using var cluster = await ClusterFixture.DeployAsync(silos: 1);
        var runId = Guid.NewGuid().ToString("N");
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 2, Work = long.MaxValue, Placement = Placements.Local };
        var ping = cluster.Client.GetGrain<IPingPongProcess>(ProcessKeys.Of(runId, Placements.Local, 0));
        var pong = cluster.Client.GetGrain<IPingPongProcess>(ProcessKeys.Of(runId, Placements.Local, 1));
        await ping.Start(new ProcessSetup(runId, 0, spec));
        await pong.Start(new ProcessSetup(runId, 1, spec));
        var sink = cluster.Silos[0].ServiceProvider.GetRequiredService<RunSinks>().For(runId);

        var loop = ping.RunPingPong(1, long.MaxValue);
        await Cluster.Loopback.WaitUntilAsync(() => Task.FromResult(sink.Ledger.Delivered > 100), TimeSpan.FromSeconds(30), "the pinger's loop to be running");
        await Within(ping.Stop(), "Stop to reach the pinger while its loop runs");

        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(loop, "the stopped pinger's loop to end"));
        Assert.Contains("was stopped after", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(sink.Ledger.Sent, sink.Ledger.Delivered + sink.Ledger.Failed);
    }

    private static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"timed out after 30 s waiting for {what}");
        }
    }
}
