using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// The <c>process</c> model: each worker is a grain of its workload's process type, placed as the spec says.
/// Runs inside the coordinator grain: it starts the workers, reads memory, times the workload's process
/// protocol, collects what every silo's sink measured, and stops the workers.
/// </summary>
internal sealed class ProcessEngine(IGrainFactory grains, RunSinks sinks) : IModelEngine
{
    /// <summary>Calls in flight at once while workers start and stop, so a million workers do not flood a silo.</summary>
    private const int SetupParallelism = 512;

    public string Model => Models.Process;

    public async Task<EngineRun> RunAsync(RunSpec spec)
    {
        var workload = WorkloadCatalog.Get(spec.Workload);
        var runId = Guid.NewGuid().ToString("N");
        var workers = Enumerable.Range(0, spec.Workers)
            .Select(i => workload.ProcessWorker(grains, ProcessKeys.Of(runId, spec.Placement, i)))
            .ToArray();

        var sink = sinks.For(runId);
        try
        {
            // Memory per worker: what this silo's workers add to it, read as every model reads it.
            var before = MemoryReading.Take();
            await ForEachAsync(workers, (w, i) => w.Start(new ProcessSetup(runId, i, spec)));
            var memory = MemoryReading.Take().Since(before, Math.Max(1, sink.Workers));

            var clock = PhaseClock.Start();
            var answer = await workload.RunProcessesAsync(new ProcessRun(grains, spec, runId, spec.Placement, sink))
                .WaitAsync(TimeSpan.FromSeconds(spec.TimeLimitSeconds));
            var (wall, cpu) = clock.Stop();
            return new EngineRun
            {
                WallSeconds = wall,
                CpuSeconds = cpu,
                Answer = answer,
                Memory = memory,
                Silos = await CollectAsync(runId),
            };
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the run passed its time limit of {spec.TimeLimitSeconds:0.#} s and was stopped");
        }
        finally
        {
            await ForEachAsync(workers, (w, _) => w.Stop());
            sinks.Close(runId);
        }
    }

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo) =>
        new Load.LoadDriver(grains, spec with { Concurrency = workers }, silo, machine).RunAsync();

    /// <summary>What every active silo's sink holds of this run, read after the clock stopped.</summary>
    private async Task<IReadOnlyList<SiloSinkReport>> CollectAsync(string runId)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var reports = await Task.WhenAll(hosts.Keys.Select(silo => SiloProbeGrain.On(grains, silo).Close(runId)));
        return reports.Where(r => r.Workers > 0 || r.Messages > 0).OrderBy(r => r.Silo, StringComparer.Ordinal).ToArray();
    }

    private static Task ForEachAsync(IProcessWorker[] workers, Func<IProcessWorker, int, Task> action) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, workers.Length),
            new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, TaskScheduler = TaskScheduler.Current },
            async (i, _) => await action(workers[i], i));
}
