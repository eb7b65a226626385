using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Gil;
using ProcessMesh.Grains.Load;
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
        var drives = new List<DriveFigures>();
        for (var d = 0; d < spec.Warmups + spec.Repeats; d++)
        {
            var drive = Drive(objects, payload);
            if (d >= spec.Warmups)
            {
                drives.Add(drive);
            }
        }

        GC.KeepAlive(objects);
        var record = LoadRecord.From(model, spec, threads, threads, machine, drives, activationSeconds, perObject, heapBefore);
        return record with { Sync = spec.Sync.ToString().ToLowerInvariant() };
    }

    private DriveFigures Drive(SharedObject[] objects, byte[] payload)
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
        return new DriveFigures(wall, cpu, calls.Sum(), latency.Aggregate(new LatencyRecorder(), (all, r) => all.Add(r)));
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
