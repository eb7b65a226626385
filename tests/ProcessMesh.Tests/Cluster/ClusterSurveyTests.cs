using Orleans.TestingHost;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Workloads.Cpu;

namespace ProcessMesh.Tests.Cluster;

/// <summary>What <c>processmesh cluster</c> reads, on two in-process silos: every silo, and the workers each one holds.</summary>
public sealed class ClusterSurveyTests : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await ClusterFixture.DeployAsync(silos: 2);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_silo_reports_its_own_process_workers_cpu_and_heap()
    {
        var client = _cluster!.Client;
        const int workers = 40;
        var run = Guid.NewGuid().ToString("N");
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = workers, Placement = Placements.Spread };
        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => ProcessWorkers.Get<ICpuProcess>(client, spec, ProcessKeys.Of(run, Placements.Spread, i)).Start(new ProcessSetup(run, i, spec))));

        var survey = await ClusterSurvey.TakeAsync(client, "test cluster", includeDead: false, CancellationToken.None);

        Assert.Equal(2, survey.Active);
        Assert.Equal(_cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).Order(), survey.Silos.Select(s => s.Address).Order());
        Assert.All(survey.Silos, s =>
        {
            Assert.Null(s.Problem);
            Assert.True(s.HeapBytes > 0, $"silo {s.Address} reported no heap");
            Assert.True(s.CpuSeconds > 0, $"silo {s.Address} reported no CPU time");
            Assert.NotNull(s.CpuPercent);
            Assert.True(s.Activations >= s.ProcessWorkers);
        });
        Assert.All(survey.Silos, s => Assert.Equal(workers / 2, s.ProcessWorkers)); // spread deals them out evenly
    }

    [Fact]
    public async Task A_probe_asked_about_a_silo_that_is_not_in_the_cluster_fails_instead_of_reading_another()
    {
        var gone = "127.0.0.1:1@1";

        // The placement director's own refusal, not whatever a misplaced probe would throw while reading another silo.
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => _cluster!.Client.GetGrain<ISiloStatusGrain>(gone).Read(TimeSpan.Zero));
        Assert.Contains($"silo {SiloAddress.FromParsableString(gone).Endpoint} left the cluster (it is not active)", refusal.Message, StringComparison.Ordinal);
    }
}
