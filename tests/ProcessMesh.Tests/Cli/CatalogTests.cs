using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcessMesh.Cli.Commands;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Grains.Workloads.Cpu;
using ProcessMesh.Silo;
using ProcessMesh.Tests.Cluster;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// The CLI learns what a cluster runs from the cluster (<see cref="ICatalogGrain"/>): a silo with a model the CLI's
/// code never names lists it and runs it through the CLI, and a name the cluster does not run is refused, before
/// anything runs, with one line listing what the cluster offers.
/// </summary>
public sealed class CatalogTests
{
    private static readonly TimeSpan _limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_cli_lists_and_runs_a_model_only_the_cluster_knows_and_refuses_an_unknown_one_with_the_cluster_s_list()
    {
        var clusterId = $"catalog-{Guid.NewGuid():N}";
        var gateway = Loopback.FreePort();
        using var silo = await StartSiloAsync(clusterId, gateway, services => services.AddSingleton<IModelEngine, SerialEngine>());
        try
        {
            string[] at = ["--gateway", $"127.0.0.1:{gateway}", "--cluster-id", clusterId];

            var listed = await CliProcess.RunAsync(_limit, ["cluster", "catalog", "--format", "json", .. at]);
            Assert.True(listed.ExitCode == 0, $"exit {listed.ExitCode}: {listed.Stderr}");
            using (var json = JsonDocument.Parse(listed.Stdout))
            {
                var serial = json.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == SerialEngine.Name);
                Assert.Equal(["cpu"], serial.GetProperty("workloads").EnumerateArray().Select(w => w.GetString()));
                var cpu = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "cpu");
                Assert.Contains(SerialEngine.Name, cpu.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
            }

            var run = await CliProcess.RunAsync(_limit, ["run", "--model", SerialEngine.Name, "--workload", "cpu", "--workers", "2", "--work", "20000", "--repeats", "1", "--warmup", "0", "--format", "json", "--quiet", .. at]);
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
            using (var json = JsonDocument.Parse(run.Stdout))
            {
                var records = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
                Assert.All(records, r => Assert.Equal(SerialEngine.Name, r.GetProperty("model").GetString()));
                Assert.All(records, r => Assert.True(r.GetProperty("correct").GetBoolean()));
                var two = Assert.Single(records);
                Assert.Equal(2, two.GetProperty("workers").GetInt32());
                Assert.Equal(JsonValueKind.Number, two.GetProperty("speedup").ValueKind); // cpu has a speedup (the catalog says): its baseline was made
                Assert.Equal("lock", two.GetProperty("sync").GetString()); // its traits say its workers are threads
            }

            var unknownModel = await CliProcess.RunAsync(_limit, ["run", "--model", "fiber", .. at]);
            Assert.Equal(Execution.BadInput, unknownModel.ExitCode);
            Assert.Equal("processmesh: --model: unknown model 'fiber' (this cluster runs process, thread, gil, hybrid, os, serial)", unknownModel.Stderr.Trim());

            var unknownWorkload = await CliProcess.RunAsync(_limit, ["compare", "--models", "process,serial", "--workload", "nap", .. at]);
            Assert.Equal(Execution.BadInput, unknownWorkload.ExitCode);
            Assert.Equal($"processmesh: --workload: unknown workload 'nap' (this cluster runs {string.Join(", ", WorkloadCatalog.Names)})", unknownWorkload.Stderr.Trim());
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    [Fact]
    public async Task A_cli_lists_and_runs_a_workload_defined_outside_the_grains_assembly_that_only_the_cluster_knows()
    {
        var clusterId = $"catalog-{Guid.NewGuid():N}";
        var gateway = Loopback.FreePort();
        using var silo = await StartSiloAsync(clusterId, gateway, services => services.AddProcessMeshWorkload<TallyWorkload>());
        try
        {
            string[] at = ["--gateway", $"127.0.0.1:{gateway}", "--cluster-id", clusterId];

            var listed = await CliProcess.RunAsync(_limit, ["cluster", "catalog", "--format", "json", .. at]);
            Assert.True(listed.ExitCode == 0, $"exit {listed.ExitCode}: {listed.Stderr}");
            using (var json = JsonDocument.Parse(listed.Stdout))
            {
                var workloads = json.RootElement.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()).ToList();
                Assert.Equal([.. WorkloadCatalog.Names, TallyWorkload.Called], workloads); // after the built-in ones
                var tally = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == TallyWorkload.Called);
                Assert.Equal(TallyWorkload.Says, tally.GetProperty("summary").GetString());
                Assert.Equal(["process", "thread", "gil", "hybrid"], tally.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
                var process = json.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == Models.Process);
                Assert.Contains(TallyWorkload.Called, process.GetProperty("workloads").EnumerateArray().Select(w => w.GetString()));
            }

            var run = await CliProcess.RunAsync(_limit, ["compare", "--models", "process,thread", "--workload", TallyWorkload.Called, "--workers", "2", "--work", "20000", "--repeats", "1", "--warmup", "0", "--format", "json", "--quiet", .. at]);
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
            using (var json = JsonDocument.Parse(run.Stdout))
            {
                var records = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
                Assert.Equal(["process", "thread"], records.Select(r => r.GetProperty("model").GetString()).Distinct());
                Assert.All(records, r => Assert.Equal(TallyWorkload.Called, r.GetProperty("workload").GetString()));
                Assert.All(records, r => Assert.Equal(20_000, r.GetProperty("work").GetInt64()));
                Assert.All(records, r => Assert.True(r.GetProperty("correct").GetBoolean(), r.ToString()));
            }
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    [Fact]
    public async Task The_embedded_silo_refuses_unknown_names_with_its_own_list()
    {
        var model = await CliProcess.RunAsync(_limit, "compare", "--models", "process,fiber", "--workers", "1");
        Assert.Equal(Execution.BadInput, model.ExitCode);
        Assert.Equal("processmesh: --models: unknown model 'fiber' (this cluster runs process, thread, gil, hybrid, os)", model.Stderr.Trim());

        var workload = await CliProcess.RunAsync(_limit, "sweep", "--workload", "nap");
        Assert.Equal(Execution.BadInput, workload.ExitCode);
        Assert.Equal($"processmesh: --workload: unknown workload 'nap' (this cluster runs load, {string.Join(", ", WorkloadCatalog.Names)})", workload.Stderr.Trim());
    }

    /// <summary>A silo in this process on loopback ports, with every engine and workload and what <paramref name="add"/> adds, which no CLI code names.</summary>
    private static async Task<IHost> StartSiloAsync(string clusterId, int gateway, Action<IServiceCollection> add)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddSiloSettings(new()
        {
            [nameof(SiloSettings.ClusterId)] = clusterId,
            [nameof(SiloSettings.SiloPort)] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            [nameof(SiloSettings.GatewayPort)] = gateway.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddProcessMeshSilo();
        add(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// A model only this test's silo has: the thread model's shared-memory pool under a name of its own, running only
    /// <c>cpu</c>. Real threads, real answers; nothing in the CLI knows its name or traits.
    /// </summary>
    private sealed class SerialEngine(Orleans.Runtime.ILocalSiloDetails silo) : IModelEngine
    {
        public const string Name = "serial";

        public ModelTraits Traits { get; } = new()
        {
            Name = Name,
            Description = "test-only: the thread model's pool, registered by one test's silo",
            SingleSilo = true,
            Threads = true,
        };

        public bool Runs(IWorkload workload) => workload.Name == Workload.Cpu;

        public Task<Refusal?> RefuseAsync(RunSpec spec) => Task.FromResult(spec.Workload == Workload.Cpu ? null : new Refusal(RefusedSetting.Workload, $"serial runs cpu, not {spec.Workload}"));

        public Task<EngineRun> RunAsync(RunSpec spec, CancellationToken cancelled) => new SharedMemoryPool(spec, NoInterpreterLock.Instance, silo.SiloAddress.Endpoint.ToString()).RunAsync(cancelled);

        public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain coordinator, CancellationToken cancelled) =>
            throw new RunRefusedException(RefusedSetting.Model, "serial runs workloads, not load tests");
    }
}

/// <summary>The catalog of the shared cluster: the built-in models with the traits their engines declare, and --help's static lists in step with it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CatalogTraitsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Each_engine_declares_its_model_s_traits_and_help_names_what_the_cluster_runs()
    {
        var catalog = await cluster.Client.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get();

        Assert.Equal(BuiltIn.Models, catalog.ModelNames);
        Assert.Equal(BuiltIn.Workloads, catalog.WorkloadNames);
        string Traits(string model) => catalog.Model(model) is { } m
            ? $"{(m.SingleSilo ? "one silo" : "every silo")}, {(m.Threads ? "threads" : "processes")}, {(m.SendsMessages ? "messages" : "shared memory")}{(m.Placed ? ", placed" : "")}{(m.Emulates ? ", emulates" : "")}{(m.RunsLoad ? ", load" : "")}"
            : "absent";
        Assert.Equal("every silo, processes, messages, placed, emulates, load", Traits(Models.Process));
        Assert.Equal("one silo, threads, shared memory, load", Traits(Models.Thread));
        Assert.Equal("one silo, threads, shared memory, load", Traits(Models.Gil));
        Assert.Equal("every silo, threads, messages", Traits(Models.Hybrid));
        Assert.Equal("one silo, processes, messages", Traits(Models.Os));
        Assert.Equal([.. WorkloadCatalog.All.Where(w => w.Splits).Select(w => w.Name.Name)], catalog.Model(Models.Hybrid)!.Workloads);
        Assert.Equal(RunSpec.MaxThreadWorkers, catalog.Model(Models.Thread)!.MaxWorkers);
        Assert.Equal(RunSpec.MaxProcessWorkers, catalog.Model(Models.Process)!.MaxWorkers);

        var cpu = catalog.Workload("cpu")!;
        Assert.Equal((400_000L, 1_000L), (cpu.DefaultWork, cpu.DefaultGranularity));
        var resolved = await cluster.Client.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Resolve(new RunSpec { Workload = Workload.Cpu, Workers = 1000 });
        Assert.Equal(WorkloadCatalog.Resolve(new RunSpec { Workload = Workload.Cpu, Workers = 1000 }), resolved.Spec);
        Assert.Equal(WorkloadCatalog.Get(Workload.Cpu).Expected(resolved.Spec).ToString(CultureInfo.InvariantCulture), resolved.Expected);
    }
}

/// <summary>
/// A workload defined in this test assembly, outside the grains: cpu's kernel and process workers under a name of
/// its own, added to one test's silo with <see cref="WorkloadCatalog.AddProcessMeshWorkload{T}"/>. Real work, checked
/// answers; nothing in the CLI knows its name, unit or defaults.
/// </summary>
internal sealed class TallyWorkload : LaneWorkload<ICpuProcess>
{
    public const string Called = "tally";

    public const string Says = "test-only: cpu's kernel under a name only one test's silo knows";

    public override Workload Name => new(Called);

    public override string Summary => Says;

    public override string Unit => "units";

    public override bool Splits => true;

    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(spec.Work > 0 ? spec.Work : 50_000, spec.Granularity > 0 ? spec.Granularity : 500);

    public override ulong Expected(RunSpec spec) => CpuKernel.Expected(spec.Work);

    protected override Task<ComputeReply> Send(ICpuProcess worker, ComputeRequest request) => worker.Compute(request);

    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new ComputeThreads(run, CpuKernel.Range);
}
