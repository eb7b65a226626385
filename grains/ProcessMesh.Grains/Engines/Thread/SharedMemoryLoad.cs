using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>
/// The thread models' side of a load test: the same population, as plain objects in shared memory (each with its
/// private block), and the same call (copy the payload in, sum it) made by <c>threads</c> dedicated OS threads
/// under a per-object guard. "Activation" is allocating and touching the objects.
/// </summary>
public sealed class SharedMemoryLoad(LoadSpec spec, int threads, IInterpreterLock gil)
{
    /// <summary>Runs on a dedicated driver thread; the task completes when every drive has finished.</summary>
    public Task<RunResult> RunAsync(string model, MachineInfo machine) => DedicatedThread.Run("processmesh-load", () => Run(model, machine));

    private RunResult Run(string model, MachineInfo machine)
    {
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var activation = Stopwatch.GetTimestamp();
        var objects = new SharedObject[spec.Grains];
        for (var i = 0; i < objects.Length; i++)
        {
            objects[i] = new SharedObject(spec.MemoryBytes);
        }

        var activationSeconds = Stopwatch.GetElapsedTime(activation).TotalSeconds;
        var perObject = Math.Max(0, (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / spec.Grains);
        var payload = new byte[spec.PayloadBytes];
        var drives = new List<(double Wall, double Cpu, long Calls, LatencyRecorder Latency)>();
        for (var d = 0; d < spec.Warmups + spec.Repeats; d++)
        {
            var drive = Drive(objects, payload);
            if (d >= spec.Warmups)
            {
                drives.Add(drive);
            }
        }

        var sorted = drives.OrderBy(x => x.Calls / x.Wall).ToList();
        var median = sorted[sorted.Count / 2];
        GC.KeepAlive(objects);
        return new RunResult
        {
            Model = model,
            Workload = "load",
            Workers = threads,
            Silos = machine.Silos,
            Work = median.Calls,
            Granularity = 1,
            Sync = spec.Sync.ToString().ToLowerInvariant(),
            Repeats = drives.Count,
            WallSeconds = median.Wall,
            WallSecondsMin = sorted.Min(x => x.Wall),
            WallSecondsMax = sorted.Max(x => x.Wall),
            Throughput = median.Calls / median.Wall,
            ThroughputMin = sorted[0].Calls / sorted[0].Wall,
            ThroughputMax = sorted[^1].Calls / sorted[^1].Wall,
            MemoryPerWorkerBytes = perObject,
            CpuSeconds = median.Cpu,
            CpuUtilisation = median.Cpu / (median.Wall * machine.Cores),
            Latency = median.Latency.Summarize(),
            Correct = true,
            Expected = "no errors or timeouts",
            Actual = "0 errors, 0 timeouts",
            Machine = machine,
            PayloadBytesPerMessage = spec.PayloadBytes,
            MemoryBytesRequested = spec.MemoryBytes,
            Grains = spec.Grains,
            Concurrency = threads,
            ActivationSeconds = activationSeconds,
            ActivationRate = spec.Grains / activationSeconds,
            MemoryPerGrainBytes = perObject,
            Errors = 0,
            Timeouts = 0,
            Path = LoadPaths.Hosted,
            LoadMode = "closed",
            Calls = median.Calls,
            HeapBeforeBytes = heapBefore,
        };
    }

    private (double Wall, double Cpu, long Calls, LatencyRecorder Latency) Drive(SharedObject[] objects, byte[] payload)
    {
        var calls = new long[threads];
        var latency = Enumerable.Range(0, threads).Select(_ => new LatencyRecorder()).ToArray();
        var go = new ManualResetEventSlim();
        var end = 0L;
        var workers = Enumerable.Range(0, threads).Select(t => new System.Threading.Thread(() =>
        {
            var random = new Random(t);
            go.Wait();
            gil.Acquire();
            try
            {
                while (Stopwatch.GetTimestamp() < Volatile.Read(ref end))
                {
                    var start = Stopwatch.GetTimestamp();
                    gil.Checkpoint();
                    objects[random.Next(objects.Length)].Echo(payload, spec.Sync);
                    latency[t].RecordSince(start);
                    calls[t]++;
                }
            }
            finally
            {
                gil.Release();
            }
        })
        {
            IsBackground = true,
            Name = $"processmesh-load-{t}",
        }).ToArray();
        foreach (var w in workers)
        {
            w.Start();
        }

        var clock = PhaseClock.Start();
        Volatile.Write(ref end, Stopwatch.GetTimestamp() + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency));
        go.Set();
        foreach (var w in workers)
        {
            w.Join();
        }

        var (wall, cpu) = clock.Stop();
        return (wall, cpu, calls.Sum(), latency.Aggregate(new LatencyRecorder(), (all, r) => all.Add(r)));
    }

    /// <summary>One object of the population: private memory, an inbox, and its guard.</summary>
    private sealed class SharedObject
    {
        private readonly Lock _gate = new();
        private readonly byte[] _memory;
        private byte[] _inbox = [];
        private SpinLock _spin = new(enableThreadOwnerTracking: false);

        public SharedObject(long memoryBytes) => _memory = PrivateMemory.Allocate(memoryBytes);

        public long Echo(byte[] payload, SyncPrimitive sync)
        {
            switch (sync)
            {
                case SyncPrimitive.None:
                    return Copy(payload);
                case SyncPrimitive.Spin:
                    var taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        return Copy(payload);
                    }
                    finally
                    {
                        if (taken)
                        {
                            _spin.Exit(useMemoryBarrier: false);
                        }
                    }

                default:
                    lock (_gate)
                    {
                        return Copy(payload);
                    }
            }
        }

        private long Copy(byte[] payload) => PrivateMemory.Echo(ref _inbox, payload);
    }
}
