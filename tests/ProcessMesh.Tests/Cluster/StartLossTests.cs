using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// A silo lost while a run's workers start, on two in-process silos: the silo that is not the coordinator's holds
/// its workers' Start calls (a grain call filter) until the test has killed it, so the loss falls in the start and
/// nowhere else. A cpu run (its workers redo lost work) starts again on the survivor and says so, with what is left of
/// its time limit.
/// </summary>
[Collection(MultiSiloCollection.Name)]
public sealed class StartLossTests
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_silo_lost_while_the_workers_start_is_recovered_from_on_the_survivor()
    {
        var (result, victim, _) = await RunLosingAStartAsync(new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 4, Work = 40_000, Granularity = 1_000, Placement = Placements.Spread });

        Assert.True(result.Outcome == Outcomes.Recovered, $"the run ended {result.Outcome}: {result.Failure}");
        Assert.True(result.Correct, $"expected {result.Expected}, got {result.Actual}");
        Assert.Contains($"silo {victim.Endpoint} left the cluster while the workers were starting; the run started again on the 1 surviving silo", result.Failure, StringComparison.Ordinal);
        Assert.Equal(1, result.Silos);
    }

    [Fact]
    public async Task A_run_started_again_has_what_is_left_of_its_time_limit()
    {
        // Minutes of work under a 10 s limit: the run started again can only end at its limit, and the client's
        // bound (the limit and a grace for one start) holds only if that limit counts from the first start. The run
        // starts again about a second after the kill (the recovered case above takes that long in all), so 10 s
        // leaves it most of its limit; every second of the limit is a second the test waits, alone in CI.
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 4, Work = 4_000_000_000, Granularity = 100_000, Placement = Placements.Spread, TimeLimitSeconds = 10 };
        var (result, _, killedAt) = await RunLosingAStartAsync(spec);

        Assert.True(result.Outcome == Outcomes.Lost, $"the run ended {result.Outcome}: {result.Failure}");
        Assert.Contains("the run started again on the 1 surviving silo, then the run passed what was left of its time limit (", result.Failure, StringComparison.Ordinal);

        // The run started again was given what was left of the limit, counted from the first start, not a full one.
        // (Its measured wall time is not compared: under load a lane's chunk in flight carries it past its limit.)
        var left = System.Text.RegularExpressions.Regex.Match(result.Failure!, @"what was left of its time limit \((?<left>[0-9.]+) s of ");
        Assert.True(left.Success, result.Failure);
        Assert.True(double.Parse(left.Groups["left"].Value, System.Globalization.CultureInfo.InvariantCulture) < spec.TimeLimitSeconds,
            $"the run started again was given {left.Groups["left"].Value} s, a full limit, though the kill came {killedAt.TotalSeconds:0.0} s into its {spec.TimeLimitSeconds} s limit");
    }

    /// <summary>
    /// Runs <paramref name="spec"/> through a coordinator on a fresh two-silo cluster and kills the other silo once one
    /// of its workers' Start is held there: the run's record, the silo killed, and when (from the run's call).
    /// </summary>
    private static async Task<(RunResult Result, SiloAddress Victim, TimeSpan KilledAt)> RunLosingAStartAsync(RunSpec spec)
    {
        await using var cluster = await StartAsync();
        var coordinator = cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        var home = await coordinator.Home();
        var victim = cluster.Silos.First(s => !s.SiloAddress.Equals(home));
        HeldStarts.Hold(victim.SiloAddress);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var run = coordinator.Run(spec);
            await HeldStarts.Reached.WaitAsync(_deadline);
            var killedAt = clock.Elapsed;
            await cluster.KillSiloAsync(victim);
            return (await run.WaitAsync(_deadline), victim.SiloAddress, killedAt);
        }
        finally
        {
            HeldStarts.Release();
        }
    }

    private static Task<InProcessTestCluster> StartAsync() => ClusterFixture.DeployAsync(silos: 2, silo =>
    {
        silo.AddIncomingGrainCallFilter<HeldStarts>();
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
        });
    });

    /// <summary>Holds every worker's Start on one silo until released (or until that silo dies with it).</summary>
    private sealed class HeldStarts(ILocalSiloDetails silo) : IIncomingGrainCallFilter
    {
        private static SiloAddress? _on;
        private static TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private static TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once a Start is held.</summary>
        public static Task Reached => _reached.Task;

        public static void Hold(SiloAddress on)
        {
            _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _on = on;
        }

        public static void Release()
        {
            _on = null;
            _released.TrySetResult();
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IProcessWorker.Start) && silo.SiloAddress.Equals(_on))
            {
                _reached.TrySetResult();
                await _released.Task;
            }

            await context.Invoke();
        }
    }
}
