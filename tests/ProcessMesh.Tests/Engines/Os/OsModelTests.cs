using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Engines.Os;

/// <summary>
/// The <c>os</c> model through the cluster: each workload's checked answer over each IPC with real worker processes,
/// a worker killed mid-run, the time limit, the refusals, and (after every test, see <see cref="NoLeftoverWorkers"/>)
/// no worker process left in the process table.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OsModelTests(ClusterFixture fixture) : NoLeftoverWorkers
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static TheoryData<string, string, int> Runs()
    {
        var runs = new TheoryData<string, string, int>();
        foreach (var ipc in new[] { "pipe", "uds", "tcp" })
        {
            runs.Add("cpu", ipc, 2);
            runs.Add("pingpong", ipc, 4);
            runs.Add("pingpong", ipc, 1); // a lone worker links to itself: its pinger and ponger threads must not share one pipe
            runs.Add("ring", ipc, 3);
            runs.Add("counter", ipc, 3);
        }

        return runs;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Real_worker_processes_give_the_checked_answer(string workload, string ipc, int workers)
    {
        var result = await fixture.RunAsync(new RunSpec
        {
            Model = Models.Os, Workload = new Workload(workload), Workers = workers, Work = workload == "cpu" ? 3_000 : 2_000,
            Granularity = workload == "cpu" ? 100 : 3, PayloadBytes = 16, Ipc = ipc,
        }).WaitAsync(Patience);

        Assert.True(result.Correct, $"{workload} over {ipc}: expected {result.Expected}, got {result.Actual} ({result.Outcome}: {result.Failure})");
        Assert.Equal(Outcomes.Completed, result.Outcome);
        Assert.Equal(Models.Os, result.Model);
        Assert.Equal(ipc, result.Ipc);
        Assert.True(result.Messages > 0 && result.PayloadBytes > 0, $"messages {result.Messages}, bytes {result.PayloadBytes}");
        Assert.True(result.Latency.Count > 0, "no latency was recorded");
        Assert.True(result.StartSeconds > 0, "no start time");
        Assert.True(result.WallSeconds > 0 && result.CpuSeconds > 0, $"wall {result.WallSeconds}, cpu {result.CpuSeconds}");
        // Each worker is a whole .NET process: its own resident set, of which its Pss is a share.
        Assert.True(result.MemoryPerWorkerBytes > 4 * 1024 * 1024, $"resident per worker {result.MemoryPerWorkerBytes}");
        Assert.True(result.PssPerWorkerBytes is > 0 && result.PssPerWorkerBytes <= result.MemoryPerWorkerBytes, $"pss per worker {result.PssPerWorkerBytes}");
        Assert.NotNull(result.Ledger);
        Assert.Equal(result.Ledger.Sent, result.Ledger.Delivered + result.Ledger.Failed);
        Assert.Equal(0, result.Ledger.Failed);
    }

    [Fact]
    public async Task A_worker_process_killed_mid_run_ends_the_run_as_lost_with_its_ledger()
    {
        var run = fixture.RunAsync(new RunSpec { Model = Models.Os, Workload = Workload.PingPong, Workers = 2, Work = 1_000_000_000, Ipc = "pipe" });
        int victim = 0;
        await Cluster.Loopback.WaitUntilAsync(
            () => Task.FromResult(run.IsCompleted || (victim = OwnedProcesses.Workers.Leftovers().FirstOrDefault(InMeasuredPhase)) != 0),
            Patience, "a worker process in its measured phase (a thread named mesh-phase)");
        Assert.False(run.IsCompleted, "the run ended before a worker could be killed");
        using (var process = Process.GetProcessById(victim))
        {
            process.Kill(); // SIGKILL
        }

        var result = await run.WaitAsync(Patience);
        Assert.Equal(Outcomes.Lost, result.Outcome);
        Assert.Contains($"pid {victim}", result.Failure, StringComparison.Ordinal);
        Assert.False(result.Correct);
        Assert.True(result.LostWork > 0, "no lost work counted");
        Assert.NotNull(result.Ledger);
        Assert.Equal(result.Ledger.Sent, result.Ledger.Delivered + result.Ledger.Failed);
    }

    [Fact]
    public async Task The_time_limit_ends_the_run_as_lost()
    {
        var result = await fixture.RunAsync(new RunSpec
        {
            Model = Models.Os, Workload = Workload.Ring, Workers = 2, Work = 1_000_000_000, TimeLimitSeconds = 1, Ipc = "uds",
        }).WaitAsync(Patience);

        Assert.Equal(Outcomes.Lost, result.Outcome);
        Assert.Contains("time limit of 1 s", result.Failure, StringComparison.Ordinal);
        Assert.True(result.Ledger!.Delivered > 0, "the ring never moved");
    }

    [Theory]
    [InlineData("io", "pipe", 2, 0L, "--workload")]
    [InlineData("cpu", "queue", 2, 0L, "--ipc")]
    [InlineData("cpu", "pipe", 4000, 0L, "--workers")]
    public async Task Refuses_before_starting_naming_the_option(string workload, string ipc, int workers, long memory, string option)
    {
        var refused = await Assert.ThrowsAsync<RunRefusedException>(() => fixture.RunAsync(new RunSpec
        {
            Model = Models.Os, Workload = new Workload(workload), Workers = workers, MemoryBytes = memory, Ipc = ipc,
        }).WaitAsync(Patience));
        Assert.DoesNotContain("--", refused.Message, StringComparison.Ordinal); // the cluster names the setting, the CLI its option
        Assert.StartsWith(option + ":", ProcessMesh.Cli.Commands.Execution.Refused(refused), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("io", 2, "--workload")]
    [InlineData("cpu", 4000, "--workers")]
    public async Task Admission_refuses_before_any_run_starts(string workload, int workers, string option)
    {
        // The one owner of admission is the silo that would start the processes, weighing its own machine: the CLI asks
        // it for every spec before the first run (a real worker process is measured here, and stopped).
        var refused = await Assert.ThrowsAsync<RunRefusedException>(() => fixture.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid())
            .Admit(new RunSpec { Model = Models.Os, Workload = new Workload(workload), Workers = workers }).WaitAsync(Patience));
        Assert.StartsWith(option + ":", ProcessMesh.Cli.Commands.Execution.Refused(refused), StringComparison.Ordinal);
    }

    /// <summary>Whether worker <paramref name="pid"/> has started its measured phase (its phase thread exists).</summary>
    private static bool InMeasuredPhase(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Any(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == "mesh-phase");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
