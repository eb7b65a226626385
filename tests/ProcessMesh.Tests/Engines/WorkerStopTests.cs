using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads.Counter;
using ProcessMesh.Grains.Workloads.PingPong;
using ProcessMesh.Grains.Workloads.Stencil;

namespace ProcessMesh.Tests.Engines;

/// <summary>
/// Stopping a process worker reaches it while it is still busy: after a run is lost, its surviving senders must not
/// send on for minutes, nor hold the run's record while the engine waits for them to stop. One sender of each kind:
/// a pinger waiting for each reply, a counter's client sending increments, and stencil neighbours that also wait
/// for each other's halos.
/// </summary>
public sealed class WorkerStopTests
{
    [Theory]
    [InlineData("pingpong")]
    [InlineData("counter")]
    [InlineData("stencil")]
    public async Task Stop_reaches_a_sender_in_the_middle_of_its_loop_and_ends_the_loop(string workload)
    {
        await using var cluster = await ClusterFixture.DeployAsync(silos: 1);
        var runId = Guid.NewGuid().ToString("N");
        var spec = new RunSpec { Model = Models.Process, Workload = new Workload(workload), Workers = 2, Work = 64, Placement = Placements.Local }
            .Resolve(defaultWork: 64, defaultGranularity: 1) with { Steps = int.MaxValue };
        var workers = Enumerable.Range(0, 2).Select(i => ProcessKeys.Of(runId, Placements.Local, i)).ToArray();
        var sink = cluster.Silos[0].ServiceProvider.GetRequiredService<RunSinks>().Open(runId, acrossSilos: false);
        Task[] loops;
        switch (workload)
        {
            case "pingpong":
                await StartAsync<IPingPongProcess>();
                loops = [Grain<IPingPongProcess>(0).RunPingPong(1, long.MaxValue)];
                break;
            case "counter":
                await StartAsync<ICounterProcess>();
                loops = [Grain<ICounterProcess>(1).RunCounter(long.MaxValue)];
                break;
            default:
                await StartAsync<IStencilProcess>();
                loops = [Grain<IStencilProcess>(0).RunStencil(), Grain<IStencilProcess>(1).RunStencil()];
                break;
        }

        await Cluster.Loopback.WaitUntilAsync(() => Task.FromResult(sink.Ledger.Delivered > 100 || loops.Any(l => l.IsCompleted)), TimeSpan.FromSeconds(30), $"the {workload} loop to be running");
        await Within(Task.WhenAll(Enumerable.Range(0, workers.Length).Select(Stop)), "Stop to reach every worker while its loop runs");

        foreach (var loop in loops)
        {
            var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(loop, $"the stopped {workload} loop to end"));
            Assert.Contains("was stopped after", stopped.Message, StringComparison.Ordinal);
        }

        Assert.Equal(sink.Ledger.Sent, sink.Ledger.Delivered + sink.Ledger.Failed);

        T Grain<T>(int index) where T : IProcessWorker => ProcessWorkers.Get<T>(cluster.Client, spec, workers[index]);

        Task StartAsync<T>() where T : IProcessWorker => Task.WhenAll(workers.Select((_, i) => Grain<T>(i).Start(new ProcessSetup(runId, i, spec))));

        Task Stop(int index) => workload switch
        {
            "pingpong" => Grain<IPingPongProcess>(index).Stop(),
            "counter" => Grain<ICounterProcess>(index).Stop(),
            _ => Grain<IStencilProcess>(index).Stop(),
        };
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
