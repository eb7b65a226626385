using ProcessMesh.Cli.Commands;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Behaviour;

/// <summary>
/// A request the cluster will not run comes back as a typed refusal, not a CLI message: the grains name the setting
/// and the CLI its option; and a comparison keeps the runs it finished beside the one that was refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RefusalTests(ClusterFixture cluster)
{
    [Fact]
    public async Task An_unknown_model_is_a_typed_refusal_that_the_cli_maps_to_its_option()
    {
        var refusal = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.RunAsync(new RunSpec { Model = "fiber", Workload = Workload.Cpu, Workers = 1, Work = 1_000 }));

        Assert.Equal(RefusedSetting.Model, refusal.Setting);
        Assert.DoesNotContain("--", refusal.Message, StringComparison.Ordinal);
        Assert.StartsWith("--model: this cluster has no 'fiber' model", Execution.Refused(refusal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hybrid")]
    [InlineData("os")]
    public async Task A_model_that_does_not_run_a_request_refuses_it_by_setting_never_by_flag(string model)
    {
        // A workload hybrid cannot split, a workload os does not run; and a load test, which neither runs.
        var run = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.RunAsync(new RunSpec { Model = model, Workload = model == Models.Hybrid ? Workload.PingPong : Workload.Stencil, Workers = 2, Work = 200 }));
        var load = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid())
            .RunLoad(model, new LoadSpec { Grains = 10, Duration = TimeSpan.FromMilliseconds(100) }, 2));

        foreach (var refusal in new[] { run, load })
        {
            Assert.DoesNotContain("--", refusal.Message, StringComparison.Ordinal);
            Assert.StartsWith(refusal == run && model == Models.Os ? "--workload: " : "--model: ", Execution.Refused(refusal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_comparison_keeps_its_finished_runs_beside_a_model_that_refuses_the_workload()
    {
        RunSpec[] specs =
        [
            new() { Model = Models.Process, Workload = Workload.PingPong, Workers = 2, Work = 200 },
            new() { Model = Models.Hybrid, Workload = Workload.PingPong, Workers = 2, Work = 200 },
        ];

        var catalog = await cluster.Client.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();
        var measured = await ProgressReporter.RunAsync("refusal", quiet: true, p => new ExperimentRunner(cluster.Client, catalog, new Experiment(1, 0)).RunAllAsync(specs, p, CancellationToken.None), TextWriter.Null);

        Assert.Equal(Models.Process, Assert.Single(measured.Results).Model);
        Assert.Contains("hybrid", Assert.Single(measured.Failures), StringComparison.Ordinal);
    }

    public static TheoryData<RunSpec, string> Refused() => new()
    {
        { new RunSpec { Model = Models.Process, Workers = 1_000_000, MemoryBytes = 1L << 30 }, "--memory/--workers: " },
        { new RunSpec { Model = Models.Process, Workload = Workload.Stencil, Workers = 50, Work = 10 }, "--workers: " },
        { new RunSpec { Model = Models.Thread, Workers = 5_000 }, "--workers: " },
        { new RunSpec { Model = Models.Hybrid, Workload = Workload.PingPong, Workers = 2, Work = 200 }, "--model: " },
        { new RunSpec { Model = Models.Thread, Workers = 2, Emulate = Emulation.DotNet }, "--model: " },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Admission_has_one_owner_the_silo_that_would_run_the_workers(RunSpec spec, string option)
    {
        // The CLI asks the cluster to admit every spec before the first run starts; it weighs nothing itself.
        var admission = cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid());
        var refusal = await Assert.ThrowsAsync<RunRefusedException>(() => admission.Admit(spec));

        Assert.DoesNotContain("--", refusal.Message, StringComparison.Ordinal);
        Assert.StartsWith(option, Execution.Refused(refusal), StringComparison.Ordinal);
        await admission.Admit(spec with { Model = Models.Process, Workload = Workload.Cpu, Workers = 2, MemoryBytes = 0, Work = 1_000, Emulate = Emulation.Grain });
    }
}
