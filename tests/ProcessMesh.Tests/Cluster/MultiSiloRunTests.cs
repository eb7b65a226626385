using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// Runs on two in-process silos: placement and per-silo figures, the ledger, and a silo stopped or killed in
/// the middle of a run. Each test changes the topology, so each has a cluster of its own. They run alone: their
/// silos share this process's heap with the tests that read it (memory per grain), and would move the reading.
/// </summary>
[Collection(MultiSiloCollection.Name)]
public sealed class MultiSiloRunTests
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Spread_deals_workers_over_both_silos_and_the_record_says_so()
    {
        await using var cluster = await StartAsync();
        var result = await Coordinator(cluster).Run(new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 4, Work = 400, Placement = Placements.Spread });

        Assert.True(result.Correct, $"expected {result.Expected}, got {result.Actual}");
        Assert.Equal(Outcomes.Completed, result.Outcome);
        Assert.Equal(2, result.Silos);
        Assert.Equal(Placements.Spread, result.Placement);
        Assert.Equal(2, result.PerSilo.Count);
        Assert.All(result.PerSilo, s => Assert.Equal(2, s.Workers));
        Assert.Equal(result.Messages, result.PerSilo.Sum(s => s.Messages));
        Assert.NotNull(result.Ledger);
        Assert.Equal(400, result.Ledger.Sent);
        Assert.Equal(result.Ledger.Sent, result.Ledger.Delivered + result.Ledger.Failed);
        Assert.Equal(0, result.Ledger.Failed);

        // Spread deals ranks 0 and 2 to one silo, 1 and 3 to the other: every pair's messages cross.
        Assert.Equal(result.Messages, result.CrossSiloMessages);
        Assert.Equal(0, result.LocalMessages);
        Assert.Equal(400, result.CrossSiloLatency?.Count);
        Assert.Equal(2, result.Machine.SiloMachines.Count);

        // Memory per worker is read on both silos that held workers: each adds its resolution.
        Assert.Equal(2 * MemoryReading.ResolutionBytes / 4, result.MemoryResolutionBytes);
    }

    [Fact]
    public async Task Spread_cpu_is_driven_on_every_silo_that_holds_workers()
    {
        await using var cluster = await StartAsync();
        var result = await Coordinator(cluster).Run(new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 4, Work = 40_000, Granularity = 1_000, Placement = Placements.Spread });

        Assert.True(result.Correct, $"expected {result.Expected}, got {result.Actual}");
        Assert.Equal(Outcomes.Completed, result.Outcome);
        Assert.Equal(2, result.PerSilo.Count);

        // Each silo's two lanes are driven there and count their chunks (request and reply) in its own sink: 2 × 10
        // chunks × 2 messages. Driven from the coordinator, every message would sit in the coordinator's silo.
        Assert.All(result.PerSilo, s => Assert.Equal((2, 40L), (s.Workers, s.Messages)));
        Assert.Equal(0, result.CrossSiloMessages); // a driver sits beside its worker

        // The ledger holds every chunk and the hand-off of each lane to its driver.
        Assert.Equal(40 + 4, result.Ledger!.Sent);
        Assert.Equal(0, result.Ledger.Failed);
    }

    [Fact]
    public async Task A_hosted_load_drives_its_callers_from_every_silo()
    {
        await using var cluster = await StartAsync();
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var test = Coordinator(cluster).RunLoad(Models.Process, new LoadSpec { Grains = 100, Duration = TimeSpan.FromSeconds(3) }, 4);

        // While the drive runs, each silo holds a caller grain of it.
        var driving = new HashSet<SiloAddress>();
        var until = DateTime.UtcNow + _deadline;
        while (driving.Count < 2 && !test.IsCompleted && DateTime.UtcNow < until)
        {
            driving.UnionWith((await management.GetDetailedGrainStatistics()).Where(g => g.GrainType.Contains("LoadCaller", StringComparison.Ordinal)).Select(g => g.SiloAddress));
            await Task.Delay(20);
        }

        var result = await test.WaitAsync(_deadline);
        Assert.True(driving.Count == 2, $"callers were seen on {driving.Count} silo(s) while the load ran, not on both");
        Assert.True(result.Calls > 0);
        Assert.Equal(result.Calls, result.Completed);
        Assert.Equal(result.Calls, result.Latency.Count);
        Assert.Equal(0, result.Errors + result.Timeouts);
    }

    [Fact]
    public async Task A_hosted_open_loop_split_over_the_silos_sends_exactly_the_scheduled_calls()
    {
        await using var cluster = await StartAsync();
        var result = await Coordinator(cluster).RunLoad(
            Models.Process, new LoadSpec { Grains = 100, Rate = 1000, Ramp = TimeSpan.FromMilliseconds(200), Duration = TimeSpan.FromMilliseconds(600) }, 4);

        // Each silo paces every other call of one schedule: together, the 500 calls it holds, each counted once.
        Assert.Equal("open", result.LoadMode);
        Assert.Equal(500, result.Calls);
        Assert.Equal(result.Calls, result.Completed + result.Errors + result.Timeouts);
        Assert.Equal(result.Calls, result.Latency.Count);
        Assert.Equal(result.Completed, result.ServiceLatency!.Count);
        Assert.Equal(result.Completed, result.SendLag!.Count);
    }

    [Fact]
    public async Task Local_keeps_every_worker_on_the_coordinators_silo_as_the_thread_model_does()
    {
        await using var cluster = await StartAsync();
        var result = await Coordinator(cluster).Run(new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 6, Work = 6_000, Granularity = 100, Placement = Placements.Local });

        Assert.True(result.Correct);
        Assert.Equal(6, Assert.Single(result.PerSilo, s => s.Workers > 0).Workers);
        Assert.Equal(0, result.CrossSiloMessages);
        Assert.Equal(result.Messages, result.LocalMessages);
        Assert.Null(result.CrossSiloLatency);

        // The thread model runs on one silo of the two, and its record names it.
        var threads = await Coordinator(cluster).Run(new RunSpec { Model = Models.Thread, Workload = Workload.Cpu, Workers = 3, Work = 3_000, Granularity = 100 });
        Assert.Equal(3, Assert.Single(threads.PerSilo).Workers);
        Assert.Null(threads.CrossSiloMessages);
    }

    [Fact]
    public async Task Counter_processes_on_two_silos_count_each_message_to_the_owner_as_crossing_or_not()
    {
        await using var cluster = await StartAsync();
        var result = await Coordinator(cluster).Run(new RunSpec { Model = Models.Process, Workload = Workload.Counter, Workers = 4, Work = 4_000, Granularity = 10, Placement = Placements.Spread });

        // Rank 0 owns the counter; ranks 1 and 3 live on the other silo, rank 2 beside the owner. Each of the three
        // senders' 100 increments is a call and its reply.
        Assert.True(result.Correct);
        Assert.Equal(2 * 2 * 100, result.CrossSiloMessages);
        Assert.Equal(2 * 100, result.LocalMessages);
        Assert.Equal(200, result.CrossSiloLatency?.Count);
        Assert.Equal(100 + 100, result.LocalLatency?.Count); // rank 2's calls, and the owner's own 100 steps
    }

    [Theory]
    [InlineData("stopped")]
    [InlineData("killed")]
    public async Task A_silo_lost_mid_run_is_recovered_from_when_the_work_holds_no_state(string how)
    {
        await using var cluster = await StartAsync();
        var coordinator = Coordinator(cluster);
        var run = coordinator.Run(new RunSpec { Model = Models.Process, Workload = Workload.Io, Workers = 4, Work = 400, IoMillis = 10, Placement = Placements.Spread });
        var victim = await WorkerOnlySiloAsync(cluster, coordinator, run);
        await (how == "killed" ? cluster.KillSiloAsync(victim) : cluster.StopSiloAsync(victim));

        var result = await run.WaitAsync(_deadline);

        // The lost silo's lane drivers went with it: their lanes were redone whole on the survivor, counted once.
        Assert.Equal(Outcomes.Recovered, result.Outcome);
        Assert.True(result.Correct, $"a recovered run must still give the answer: expected {result.Expected}, got {result.Actual}");
        Assert.NotNull(result.Failure);
        Assert.Equal(result.Ledger!.Sent, result.Ledger.Delivered + result.Ledger.Failed);
        Assert.True(result.Ledger.Failed > 0, $"the hand-offs to the {how} silo's drivers were not counted as failed");

        // The survivor redid the lost lanes beside their restarted workers: messages classed by where workers live
        // now, not where they first started, never crossed (the lost silo's own counts went with it).
        Assert.Equal(0, result.CrossSiloMessages);
    }

    [Fact]
    public async Task A_silo_killed_mid_run_ends_a_stateful_run_as_lost_with_what_completed()
    {
        await using var cluster = await StartAsync();
        var coordinator = Coordinator(cluster);
        var run = coordinator.Run(new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 4, Work = 50_000_000, Placement = Placements.Spread });
        var victim = await WorkerOnlySiloAsync(cluster, coordinator, run);
        await cluster.KillSiloAsync(victim);

        var result = await run.WaitAsync(_deadline);

        Assert.Equal(Outcomes.Lost, result.Outcome);
        Assert.False(result.Correct);
        Assert.InRange(result.LostWork, 1, 50_000_000);
        Assert.False(string.IsNullOrEmpty(result.Failure), "a lost run must say why");
        Assert.Equal(result.Ledger!.Sent, result.Ledger.Delivered + result.Ledger.Failed);
    }

    [Fact]
    public async Task Lanes_whose_coordinators_silo_was_killed_stop_on_the_survivor_with_their_workers()
    {
        await using var cluster = await StartAsync();
        var coordinator = Coordinator(cluster);

        // Far more work than the test could wait for: only lanes that stop by themselves end it.
        var run = coordinator.Run(new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 4, Work = 400_000_000_000, Placement = Placements.Spread, TimeLimitSeconds = 3600 });
        var survivor = await WorkerOnlySiloAsync(cluster, coordinator, run);
        var sinks = survivor.ServiceProvider.GetRequiredService<RunSinks>();
        await cluster.KillSiloAsync(cluster.Silos.First(s => s != survivor));
        _ = run.ContinueWith(t => t.Exception, TaskScheduler.Default); // the call is lost with its silo

        // Nobody is left to close the run's sink on the survivor, nor to stop its workers: the lanes must, once
        // membership declares the coordinator's silo dead, or they would compete with a run started again there.
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var until = DateTime.UtcNow + _deadline;
        while (true)
        {
            var workers = sinks.Running == 0
                ? (await management.GetDetailedGrainStatistics(hostsIds: [survivor.SiloAddress])).Count(g => g.GrainId.ToString().StartsWith("cpuprocess/", StringComparison.Ordinal))
                : -1;
            if (workers == 0)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < until, $"the survivor's lanes never stopped after their coordinator's silo was killed ({(workers < 0 ? "the run's sink is still open" : $"{workers} cpu workers still active")})");
            await Task.Delay(50);
        }
    }

    private static ICoordinatorGrain Coordinator(InProcessTestCluster cluster) => cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid());

    /// <summary>
    /// Waits until the run is in its measured phase (both silos hold workers and calls are being answered) and
    /// returns the silo that does not host the run's coordinator.
    /// </summary>
    private static async Task<InProcessSiloHandle> WorkerOnlySiloAsync(InProcessTestCluster cluster, ICoordinatorGrain coordinator, Task<RunResult> run)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var until = DateTime.UtcNow + _deadline;
        while (DateTime.UtcNow < until)
        {
            if (run.IsCompleted)
            {
                throw new InvalidOperationException($"the run ended before a silo could be stopped: {(run.IsFaulted ? run.Exception!.InnerException!.Message : run.Result.Outcome)}");
            }

            var sinks = cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<RunSinks>().Current).ToArray();
            var measuring = sinks.All(silo => silo.Any(k => k.Workers > 0)) && sinks.Any(silo => silo.Any(k => k.Ledger.Delivered > 0));
            var home = (await management.GetDetailedGrainStatistics()).FirstOrDefault(g => g.GrainId == coordinator.GetGrainId())?.SiloAddress;
            if (measuring && home is not null)
            {
                return cluster.Silos.First(s => !s.SiloAddress.Equals(home));
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the run never reached its measured phase on both silos");
    }

    /// <summary>Two silos that declare a killed one dead within seconds.</summary>
    private static Task<InProcessTestCluster> StartAsync() => ClusterFixture.DeployAsync(silos: 2, silo => silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
    }));
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiSiloCollection
{
    public const string Name = "multi-silo";
}
