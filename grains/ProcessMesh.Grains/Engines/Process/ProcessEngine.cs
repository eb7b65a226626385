using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process.Messages;
using ProcessMesh.Grains.Load;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// The <c>process</c> model: each worker is a <see cref="ProcessGrain"/>, placed anywhere in the cluster.
/// Runs inside the coordinator grain: it activates the workers, times the workload, then stops them.
/// </summary>
internal sealed class ProcessEngine(IGrainFactory grains) : IModelEngine
{
    /// <summary>Calls in flight at once while workers start and stop, so a million workers do not flood a silo.</summary>
    private const int SetupParallelism = 512;

    public string Model => Models.Process;

    public async Task<EngineRun> RunAsync(RunSpec spec)
    {
        var runId = Guid.NewGuid().ToString("N");
        var workers = Enumerable.Range(0, spec.Workers)
            .Select(i => grains.GetGrain<IProcessGrain>(ProcessGrain.Key(runId, i)))
            .ToArray();

        // Memory per worker: what the live workers add to this silo's heap (a single-silo figure). The second
        // reading comes after the timed phase, so no forced collection runs just before the clock starts.
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await ForEachAsync(workers, (w, i) => w.Start(new ProcessSetup(runId, i, spec)));
        try
        {
            var clock = PhaseClock.Start();
            var (answer, reports) = await RunWorkloadAsync(spec, workers);
            var (wall, cpu) = clock.Stop();
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            return new EngineRun
            {
                WallSeconds = wall,
                CpuSeconds = cpu,
                Answer = answer,
                Messages = reports.Sum(r => r.Messages),
                PayloadBytes = reports.Sum(r => r.PayloadBytes),
                MemoryPerWorkerBytes = Math.Max(0, (heapAfter - heapBefore) / spec.Workers),
                Latency = LatencyRecorder.Merge(reports.Select(r => r.Latency)).Encode(),
            };
        }
        finally
        {
            await ForEachAsync(workers, (w, _) => w.Stop());
        }
    }

    public Task<RunResult> RunLoadAsync(LoadSpec spec, int workers, MachineInfo machine, ICoordinatorGrain silo) =>
        new LoadDriver(grains, spec with { Concurrency = workers }, silo, machine).RunAsync();

    private static async Task<(ulong Answer, WorkerReport[] Reports)> RunWorkloadAsync(RunSpec spec, IProcessGrain[] workers)
    {
        switch (spec.Workload)
        {
            case Workload.Cpu or Workload.Io:
                var lanes = await Task.WhenAll(workers.Select((w, i) => ComputeLaneAsync(spec, w, i)));
                return (Sum(lanes), lanes);

            case Workload.Counter:
                var counters = await Task.WhenAll(workers.Select((w, i) => w.RunCounter(WorkSplit.Share(spec.Work, spec.Workers, i))));
                return ((ulong)await workers[0].ReadCounter(), counters);

            case Workload.Stencil:
                var blocks = await Task.WhenAll(workers.Select(w => w.RunStencil()));
                return (Sum(blocks), blocks);

            case Workload.PingPong:
                var pairs = WorkSplit.Pairs(spec.Workers);
                var pingers = await Task.WhenAll(Enumerable.Range(0, pairs).Select(p =>
                    workers[spec.Workers == 1 ? 0 : 2 * p].RunPingPong(WorkSplit.Partner(spec.Workers, p), WorkSplit.Share(spec.Work, pairs, p))));
                return (Sum(pingers), pingers);

            case Workload.Ring:
                var ring = await workers[0].RunRing();
                return (ring.Answer, [ring]);

            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Workload, "unknown workload");
        }
    }

    /// <summary>Sends one worker its share of cpu or io units, a chunk per message, and awaits each reply.</summary>
    private static async Task<WorkerReport> ComputeLaneAsync(RunSpec spec, IProcessGrain worker, int index)
    {
        var first = WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        var payload = new byte[spec.PayloadBytes];
        var latency = new LatencyRecorder();
        ulong sum = 0;
        long messages = 0;
        for (long done = 0; done < share; done += spec.Granularity)
        {
            var start = Stopwatch.GetTimestamp();
            var reply = await worker.Compute(new ComputeRequest(first + done, Math.Min(spec.Granularity, share - done), payload));
            latency.RecordSince(start);
            sum = unchecked(sum + reply.Partial);
            messages++;
        }

        return new WorkerReport
        {
            Answer = sum,
            Messages = 2 * messages,
            PayloadBytes = messages * (spec.PayloadBytes + (3 * sizeof(long))),
            Latency = latency.Encode(),
        };
    }

    private static ulong Sum(IEnumerable<WorkerReport> reports) => reports.Aggregate(0UL, (s, r) => unchecked(s + r.Answer));

    private static Task ForEachAsync(IProcessGrain[] workers, Func<IProcessGrain, int, Task> action) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, workers.Length),
            new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, TaskScheduler = TaskScheduler.Current },
            async (i, _) => await action(workers[i], i));
}
