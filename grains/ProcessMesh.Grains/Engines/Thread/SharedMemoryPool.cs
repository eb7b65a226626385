using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Thread;

/// <summary>
/// A pool of dedicated OS threads that share one memory region. It runs entirely outside the Orleans
/// scheduler: <see cref="RunAsync"/> starts a driver thread and returns a task the hosting grain awaits.
/// Each worker holds the interpreter lock while it computes (a no-op for the <c>thread</c> model) and gives it
/// up around blocking waits, as CPython threads do.
/// </summary>
public sealed class SharedMemoryPool(RunSpec spec, IInterpreterLock gil)
{
    private readonly SharedCell _shared = SharedCell.Create(spec.Sync);
    private readonly LatencyRecorder[] _latency = Enumerable.Range(0, spec.Workers).Select(_ => new LatencyRecorder()).ToArray();
    private readonly long[] _messages = new long[spec.Workers];
    private readonly long[] _payloadBytes = new long[spec.Workers];
    private readonly byte[] _payload = new byte[spec.PayloadBytes];

    // Stencil: two generations of cells with a zero boundary cell at each end, and the step barrier.
    private double[] _cellsA = [];
    private double[] _cellsB = [];
    private Barrier? _stepBarrier;

    // Pingpong: one shared slot and two wait handles per pair. Ring: one token slot and a wait handle per worker.
    private Slot[] _slots = [];
    private SemaphoreSlim[] _turns = [];
    private long _ringHop;
    private ulong _ringValue;
    private volatile bool _ringFinished;

    /// <summary>Runs the workload on the pool's threads; the task completes when every worker has finished.</summary>
    public Task<EngineRun> RunAsync() => DedicatedThread.Run("processmesh-pool", Run);

    private EngineRun Run()
    {
        Prepare();
        var workers = spec.Workers;
        var ready = new CountdownEvent(workers);
        var go = new ManualResetEventSlim();
        var failures = new Exception?[workers];
        Action<int> body = spec.Workload switch
        {
            Workload.Cpu => Cpu,
            Workload.Io => Io,
            Workload.Counter => Counter,
            Workload.Stencil => Stencil,
            Workload.PingPong => PingPong,
            Workload.Ring => Ring,
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Workload, "unknown workload"),
        };

        GC.Collect();
        var rssBefore = Environment.WorkingSet;
        var threads = new System.Threading.Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            var index = i;
            threads[i] = new System.Threading.Thread(() =>
            {
                ready.Signal();
                go.Wait();
                gil.Acquire();
                try
                {
                    body(index);
                }
                catch (Exception e)
                {
                    failures[index] = e;
                    Abandon();
                }
                finally
                {
                    gil.Release();
                }
            })
            {
                IsBackground = true,
                Name = $"processmesh-worker-{i}",
            };
            threads[i].Start();
        }

        ready.Wait();
        var rssAfter = Environment.WorkingSet;
        var clock = PhaseClock.Start();
        go.Set();
        foreach (var t in threads)
        {
            t.Join();
        }

        var (wall, cpu) = clock.Stop();
        var failure = failures.FirstOrDefault(f => f is not null);
        if (failure is not null)
        {
            throw new InvalidOperationException($"a {spec.Model} worker failed: {failure.Message}", failure);
        }

        return new EngineRun
        {
            WallSeconds = wall,
            CpuSeconds = cpu,
            Answer = Answer(),
            Messages = _messages.Sum(),
            PayloadBytes = _payloadBytes.Sum(),
            MemoryPerWorkerBytes = Math.Max(0, (rssAfter - rssBefore) / workers),
            Latency = _latency.Aggregate(new LatencyRecorder(), (all, r) => all.Add(r)).Encode(),
        };
    }

    private void Prepare()
    {
        switch (spec.Workload)
        {
            case Workload.Stencil:
                _cellsA = new double[spec.Work + 2];
                _cellsB = new double[spec.Work + 2];
                for (long i = 0; i < spec.Work; i++)
                {
                    _cellsA[i + 1] = StencilKernel.Initial(i);
                }

                _stepBarrier = new Barrier(spec.Workers);
                break;
            case Workload.PingPong:
                _slots = Enumerable.Range(0, WorkSplit.Pairs(spec.Workers)).Select(_ => new Slot(spec.PayloadBytes)).ToArray();
                break;
            case Workload.Ring:
                _slots = [new Slot(spec.PayloadBytes)];
                _turns = Enumerable.Range(0, spec.Workers).Select(_ => new SemaphoreSlim(0)).ToArray();
                break;
        }
    }

    private ulong Answer() => spec.Workload switch
    {
        Workload.Cpu or Workload.Io or Workload.Counter or Workload.PingPong => (ulong)_shared.Value,
        Workload.Stencil => StencilKernel.Checksum((spec.Steps % 2 == 0 ? _cellsA : _cellsB).AsSpan(1, (int)spec.Work)),
        Workload.Ring => _ringValue,
        _ => 0,
    };

    /// <summary>Each thread computes its share, a chunk at a time, and adds each chunk's sum into shared memory.</summary>
    private void Cpu(int index)
    {
        var first = WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        for (long done = 0; done < share; done += spec.Granularity)
        {
            var start = Stopwatch.GetTimestamp();
            var end = first + Math.Min(done + spec.Granularity, share);
            ulong sum = 0;
            if (spec.Native)
            {
                gil.Release();
                sum = CpuKernel.Range(first + done, end - first - done);
                gil.Acquire();
            }
            else
            {
                for (var k = first + done; k < end; k++)
                {
                    gil.Checkpoint();
                    sum = unchecked(sum + CpuKernel.Unit(k));
                }
            }

            _shared.Add(unchecked((long)sum));
            _latency[index].RecordSince(start);
        }
    }

    /// <summary>Each thread blocks on its share of I/O waits, giving up the interpreter lock around each.</summary>
    private void Io(int index)
    {
        var first = WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        for (long done = 0; done < share; done += spec.Granularity)
        {
            var start = Stopwatch.GetTimestamp();
            ulong sum = 0;
            for (var k = first + done; k < first + Math.Min(done + spec.Granularity, share); k++)
            {
                gil.Release();
                IoKernel.Wait(spec.IoMillis).Wait();
                gil.Acquire();
                sum = unchecked(sum + IoKernel.Value(k));
            }

            _shared.Add(unchecked((long)sum));
            _latency[index].RecordSince(start);
        }
    }

    /// <summary>Each thread adds its share of increments to the one shared counter.</summary>
    private void Counter(int index)
    {
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        for (long done = 0; done < share; done += spec.Granularity)
        {
            var start = Stopwatch.GetTimestamp();
            var chunk = Math.Min(spec.Granularity, share - done);
            for (long j = 0; j < chunk; j++)
            {
                gil.Checkpoint();
                _shared.Add(1);
            }

            _latency[index].RecordSince(start);
        }
    }

    /// <summary>Each thread updates its block, reading its neighbours' cells from shared memory after a barrier.</summary>
    private void Stencil(int index)
    {
        var lo = WorkSplit.Start(spec.Work, spec.Workers, index) + 1;
        var hi = lo + WorkSplit.Share(spec.Work, spec.Workers, index);
        var (cur, next) = (_cellsA, _cellsB);
        for (var step = 0; step < spec.Steps; step++)
        {
            var start = Stopwatch.GetTimestamp();
            if (spec.Native)
            {
                gil.Release();
            }

            for (var j = lo; j < hi; j++)
            {
                gil.Checkpoint();
                next[j] = StencilKernel.Cell(cur[j - 1], cur[j], cur[j + 1]);
            }

            if (!spec.Native)
            {
                gil.Release();
            }

            _stepBarrier!.SignalAndWait();
            gil.Acquire();
            (cur, next) = (next, cur);
            _latency[index].RecordSince(start);
        }
    }

    /// <summary>Pairs hand a payload back and forth through a shared slot, waking each other with wait handles.</summary>
    private void PingPong(int index)
    {
        var pairs = WorkSplit.Pairs(spec.Workers);
        var pair = index / 2;
        if (pair >= pairs)
        {
            return; // the odd worker out
        }

        var slot = _slots[pair];
        var rounds = WorkSplit.Share(spec.Work, pairs, pair);
        var pinger = index % 2 == 0;
        var alone = spec.Workers == 1;
        for (long r = 0; r < rounds; r++)
        {
            if (pinger)
            {
                var start = Stopwatch.GetTimestamp();
                slot.Write(r, _payload);
                slot.Ping.Release();
                if (alone)
                {
                    Pong(slot, index);
                }

                gil.Release();
                slot.Pong.Wait();
                gil.Acquire();
                if (slot.Sequence == r + 1)
                {
                    _shared.Add(1);
                }

                _latency[index].RecordSince(start);
                _messages[index] += 2;
                _payloadBytes[index] += spec.PayloadBytes + (2 * sizeof(long));
            }
            else
            {
                Pong(slot, index);
            }
        }
    }

    private void Pong(Slot slot, int index)
    {
        gil.Release();
        slot.Ping.Wait();
        gil.Acquire();
        slot.Sequence++;
        slot.Pong.Release();
    }

    /// <summary>The token moves from worker to worker through a shared slot; each wakes the next.</summary>
    private void Ring(int index)
    {
        var workers = spec.Workers;
        var slot = _slots[0];
        var lapStart = Stopwatch.GetTimestamp();
        if (index == 0)
        {
            _ringHop = 1;
            slot.Write(_ringHop, _payload);
            _turns[1 % workers].Release();
        }

        while (true)
        {
            gil.Release();
            _turns[index].Wait();
            gil.Acquire();
            if (_ringFinished)
            {
                return;
            }

            var value = unchecked(_ringValue + (ulong)index);
            if (index == 0)
            {
                var now = Stopwatch.GetTimestamp();
                _latency[0].RecordTicks((now - lapStart) / workers);
                lapStart = now;
            }

            _messages[index]++;
            _payloadBytes[index] += spec.PayloadBytes + (2 * sizeof(long));
            _ringValue = value;
            if (_ringHop == spec.Work)
            {
                Abandon();
                return;
            }

            _ringHop++;
            slot.Write(_ringHop, _payload);
            _turns[(index + 1) % workers].Release();
        }
    }

    /// <summary>Wakes every waiting worker so a finished ring, or a failed worker, leaves no thread blocked.</summary>
    private void Abandon()
    {
        _ringFinished = true;
        foreach (var turn in _turns)
        {
            turn.Release();
        }

        foreach (var slot in _slots)
        {
            slot.Ping.Release(int.MaxValue / 4);
            slot.Pong.Release(int.MaxValue / 4);
        }

        _stepBarrier?.RemoveParticipant();
    }

    /// <summary>A shared-memory mailbox: a sequence number, the payload bytes, and the two wake-up handles.</summary>
    private sealed class Slot(int payloadBytes)
    {
        public long Sequence;
        public readonly byte[] Payload = new byte[payloadBytes];
        public readonly SemaphoreSlim Ping = new(0);
        public readonly SemaphoreSlim Pong = new(0);

        public void Write(long sequence, byte[] payload)
        {
            Sequence = sequence;
            payload.CopyTo(Payload, 0);
        }
    }
}
