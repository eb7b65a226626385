using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Load;

namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>
/// The thread models' side of a load test: the same population, as plain objects in shared memory (each with its
/// private block), and the same call (copy the payload in, sum it) made by <c>threads</c> dedicated OS threads
/// under a per-object guard. "Activation" is allocating and touching the objects. A test the client gives up on
/// (<see cref="ICoordinatorGrain.Cancel"/>) stops where it is, as the process path's drive does: its threads leave
/// their loops at their next call, and the test throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class SharedMemoryLoad(LoadSpec spec, int threads, IInterpreterLock gil)
{
    private const int ActivationCheck = 1024;

    /// <summary>How long the drive waits on one thread before it looks again at whether it was given up on.</summary>
    private static readonly TimeSpan _joinSlice = TimeSpan.FromMilliseconds(50);
    private string _phase = LoadProgress.Activating;
    private int _phaseNumber;
    private long _phaseStart = Stopwatch.GetTimestamp();
    private long _activated;
    private Lane[] _lanes = [];

    /// <summary>How far the test has got: objects allocated, or the calls of the drive in progress.</summary>
    public LoadProgress Progress => new()
    {
        Phase = _phase,
        Number = _phaseNumber,
        Done = _phase == LoadProgress.Activating ? Interlocked.Read(ref _activated) : Volatile.Read(ref _lanes).Sum(lane => lane.Calls),
        PhaseSeconds = Stopwatch.GetElapsedTime(_phaseStart).TotalSeconds,
    };

    /// <summary>
    /// Runs on a dedicated driver thread; the task completes when every drive has finished, or throws
    /// <see cref="OperationCanceledException"/> soon after <paramref name="cancelled"/>. Its progress is reported
    /// to the <see cref="ILoadProgressGrain"/> of <paramref name="coordinator"/>'s key, as the process path's is.
    /// </summary>
    public async Task<RunResult> RunAsync(string model, MachineInfo machine, IGrainFactory grains, Guid coordinator, CancellationToken cancelled)
    {
        using var reporting = new CancellationTokenSource();
        var reporter = LoadProgressReporter.RunAsync(grains, coordinator, () => Task.FromResult(Progress), reporting.Token);
        try
        {
            return await DedicatedThread.Run("processmesh-load", () => Run(model, machine, cancelled));
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter;
        }
    }

    private RunResult Run(string model, MachineInfo machine, CancellationToken cancelled)
    {
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var activation = Stopwatch.GetTimestamp();
        var objects = new SharedObject[spec.Grains];
        for (var i = 0; i < objects.Length; i++)
        {
            if (i % ActivationCheck == 0)
            {
                cancelled.ThrowIfCancellationRequested();
                Interlocked.Exchange(ref _activated, i);
            }

            objects[i] = new SharedObject(spec.MemoryBytes);
        }

        var activationSeconds = Stopwatch.GetElapsedTime(activation).TotalSeconds;
        var perObject = Math.Max(0, (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / spec.Grains);
        var payload = new byte[spec.PayloadBytes];
        var drives = new List<DriveFigures>();
        for (var d = 0; d < spec.Warmups + spec.Repeats; d++)
        {
            var (phase, number) = d < spec.Warmups ? (LoadProgress.WarmUp, d + 1) : (LoadProgress.Drive, d - spec.Warmups + 1);
            var drive = Drive(objects, payload, phase, number, cancelled);
            if (d >= spec.Warmups)
            {
                drives.Add(drive);
            }
        }

        GC.KeepAlive(objects);
        var record = LoadRecord.From(model, spec, threads, threads, machine, drives, activationSeconds, perObject, heapBefore);
        return record with { Sync = spec.Sync.ToString().ToLowerInvariant() };
    }

    /// <summary>
    /// One drive: each thread calls objects until the duration is up. Every call is counted once, as in the
    /// process path: completed, failed or timed out. The drive waits for its threads until one timeout after
    /// its end; a thread still inside a call then (stuck on a guard or the interpreter lock) has that call counted
    /// as a timeout and is left behind, and what it does later is ignored. <paramref name="cancelled"/> ends the
    /// drive at once (its threads' next call is not made; one stuck in a call is waited for up to one timeout)
    /// and the drive throws <see cref="OperationCanceledException"/>.
    /// </summary>
    private DriveFigures Drive(SharedObject[] objects, byte[] payload, string phase, int number, CancellationToken cancelled)
    {
        var lanes = Enumerable.Range(0, threads).Select(_ => new Lane(spec.Timeout)).ToArray();
        var go = new ManualResetEventSlim();
        var end = 0L;
        var workers = Enumerable.Range(0, threads).Select(t => new System.Threading.Thread(() =>
        {
            var random = new Random(t);
            var lane = lanes[t];
            go.Wait();
            gil.Acquire();
            try
            {
                while (Stopwatch.GetTimestamp() < Volatile.Read(ref end))
                {
                    var start = Stopwatch.GetTimestamp();
                    lane.Begin(start);
                    var failed = false;
                    try
                    {
                        gil.Checkpoint();
                        objects[random.Next(objects.Length)].Echo(payload, spec.Sync);
                    }
                    catch (Exception)
                    {
                        failed = true; // one failed call, counted with the others
                    }

                    lane.End(Stopwatch.GetTimestamp() - start, failed);
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

        (_phase, _phaseNumber, _phaseStart) = (phase, number, Stopwatch.GetTimestamp());
        Volatile.Write(ref _lanes, lanes);
        var clock = PhaseClock.Start();
        var endTimestamp = Stopwatch.GetTimestamp() + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency);
        var close = endTimestamp + (long)(spec.Timeout.TotalSeconds * Stopwatch.Frequency);
        Volatile.Write(ref end, endTimestamp);
        go.Set();

        // Given up on: the threads' loops end now, and the drive closes one timeout from now at the latest.
        using (cancelled.Register(() =>
        {
            var now = Stopwatch.GetTimestamp();
            Volatile.Write(ref end, now);
            Volatile.Write(ref close, Math.Min(Volatile.Read(ref close), now + (long)(spec.Timeout.TotalSeconds * Stopwatch.Frequency)));
        }))
        {
            foreach (var w in workers)
            {
                while (Stopwatch.GetTimestamp() < Volatile.Read(ref close) && !w.Join(_joinSlice))
                {
                }
            }
        }

        var closed = Stopwatch.GetTimestamp();
        var calls = lanes.Sum(lane => lane.Close(closed));
        var (wall, cpu) = clock.Stop();
        cancelled.ThrowIfCancellationRequested();
        return new DriveFigures(wall, cpu, calls, lanes.Aggregate(new CallTally(spec.Timeout), (all, lane) => all.Add(lane.Tally)));
    }

    /// <summary>
    /// One thread's calls. Its thread counts a call issued (<see cref="Begin"/>) with a plain write and settles it
    /// (<see cref="End"/>) under a lock that only the close contends for; the close takes the count, and the call
    /// in flight if any, as they stand, and nothing the thread does after it counts.
    /// </summary>
    private sealed class Lane(TimeSpan timeout)
    {
        private readonly Lock _gate = new();
        private long _calls;
        private long _since;
        private bool _closed;

        public CallTally Tally { get; } = new(timeout);

        /// <summary>The calls issued so far, for progress.</summary>
        public long Calls => Volatile.Read(ref _calls);

        /// <summary>The lane's thread issues a call at <paramref name="start"/>.</summary>
        public void Begin(long start)
        {
            _since = start;
            Volatile.Write(ref _calls, _calls + 1); // publishes _since with the count
        }

        /// <summary>The lane's thread's call answered (or threw) after <paramref name="elapsedTicks"/>.</summary>
        public void End(long elapsedTicks, bool failed)
        {
            lock (_gate)
            {
                if (!_closed)
                {
                    _ = Tally.Answered(elapsedTicks, failed);
                }
            }
        }

        /// <summary>Closes the lane at <paramref name="now"/>: a call still in flight is a timeout. Returns the calls issued.</summary>
        public long Close(long now)
        {
            lock (_gate)
            {
                _closed = true;
                var calls = Volatile.Read(ref _calls);
                if (calls > Tally.Settled)
                {
                    Tally.Unanswered(now - Volatile.Read(ref _since));
                }

                return calls;
            }
        }
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
