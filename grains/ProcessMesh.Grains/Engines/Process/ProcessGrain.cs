using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process.Messages;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// A process worker. Everything it knows is in its own fields; it has no static state and shares no object
/// with another worker (a test checks this).
/// </summary>
internal sealed class ProcessGrain : Grain, IProcessGrain
{
    private ProcessSetup? _setup;
    private byte[] _memory = [];
    private byte[] _inbox = [];
    private long _counter;
    private readonly Dictionary<(int Step, bool FromLeft), double> _halos = [];
    private TaskCompletionSource? _haloArrived;
    private TaskCompletionSource<ulong>? _ringDone;
    private LatencyRecorder? _ringLaps;
    private long _lapStart;

    /// <summary>The grain key of worker <paramref name="index"/> of run <paramref name="runId"/>.</summary>
    public static string Key(string runId, int index) => $"{runId}/{index}";

    private ProcessSetup Setup => _setup ?? throw new InvalidOperationException("process worker used before Start");

    private RunSpec Spec => Setup.Spec;

    private IProcessGrain Peer(int index) => GrainFactory.GetGrain<IProcessGrain>(Key(Setup.RunId, index));

    public Task Start(ProcessSetup setup)
    {
        _setup = setup;
        _memory = PrivateMemory.Allocate(setup.Spec.MemoryBytes, (byte)setup.Index);
        return Task.CompletedTask;
    }

    public async Task<ComputeReply> Compute(ComputeRequest request)
    {
        Receive(request.Payload);
        if (Spec.Workload == Workload.Cpu)
        {
            return new ComputeReply(CpuKernel.Range(request.First, request.Count));
        }

        ulong sum = 0;
        for (var k = request.First; k < request.First + request.Count; k++)
        {
            await IoKernel.Wait(Spec.IoMillis);
            sum = unchecked(sum + IoKernel.Value(k));
        }

        return new ComputeReply(sum);
    }

    public async Task<WorkerReport> RunCounter(long share)
    {
        var latency = new LatencyRecorder();
        if (Setup.Index == 0)
        {
            // The owner's own increments are writes to its private memory, not messages.
            for (long done = 0; done < share; done += Spec.Granularity)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = Math.Min(Spec.Granularity, share - done); i > 0; i--)
                {
                    _counter++;
                }

                latency.RecordSince(start);
            }

            return new WorkerReport { Latency = latency.Encode() };
        }

        var owner = Peer(0);
        var payload = new byte[Spec.PayloadBytes];
        long messages = 0;
        for (long done = 0; done < share; done += Spec.Granularity)
        {
            var delta = Math.Min(Spec.Granularity, share - done);
            var start = Stopwatch.GetTimestamp();
            await owner.Increment(new CounterMessage(delta, payload));
            latency.RecordSince(start);
            messages++;
        }

        return new WorkerReport { Messages = 2 * messages, PayloadBytes = messages * (Spec.PayloadBytes + sizeof(long)), Latency = latency.Encode() };
    }

    public Task Increment(CounterMessage message)
    {
        Receive(message.Payload);
        _counter += message.Delta;
        return Task.CompletedTask;
    }

    public Task<long> ReadCounter() => Task.FromResult(_counter);

    public async Task<WorkerReport> RunStencil()
    {
        var (index, workers) = (Setup.Index, Spec.Workers);
        var first = WorkSplit.Start(Spec.Work, workers, index);
        var n = (int)WorkSplit.Share(Spec.Work, workers, index);
        var cur = new double[n + 2];
        var next = new double[n + 2];
        for (var j = 0; j < n; j++)
        {
            cur[j + 1] = StencilKernel.Initial(first + j);
        }

        var payload = new byte[Spec.PayloadBytes];
        var latency = new LatencyRecorder();
        long messages = 0;
        var hasLeft = index > 0 && n > 0;
        var hasRight = index < workers - 1 && n > 0 && WorkSplit.Share(Spec.Work, workers, index + 1) > 0;
        for (var step = 0; step < Spec.Steps && n > 0; step++)
        {
            var start = Stopwatch.GetTimestamp();
            var sends = new List<Task>(2);
            if (hasLeft)
            {
                sends.Add(Peer(index - 1).Halo(new HaloMessage(step, FromLeft: false, cur[1], payload)));
            }

            if (hasRight)
            {
                sends.Add(Peer(index + 1).Halo(new HaloMessage(step, FromLeft: true, cur[n], payload)));
            }

            await Task.WhenAll(sends);
            messages += sends.Count;
            cur[0] = hasLeft ? await ReceiveHalo(step, fromLeft: true) : 0;
            cur[n + 1] = hasRight ? await ReceiveHalo(step, fromLeft: false) : 0;
            for (var j = 1; j <= n; j++)
            {
                next[j] = StencilKernel.Cell(cur[j - 1], cur[j], cur[j + 1]);
            }

            (cur, next) = (next, cur);
            latency.RecordSince(start);
        }

        return new WorkerReport
        {
            Answer = StencilKernel.Checksum(cur.AsSpan(1, n)),
            Messages = 2 * messages,
            PayloadBytes = messages * (Spec.PayloadBytes + sizeof(double)),
            Latency = latency.Encode(),
        };
    }

    public Task Halo(HaloMessage message)
    {
        Receive(message.Payload);
        _halos[(message.Step, message.FromLeft)] = message.Value;
        _haloArrived?.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task<double> ReceiveHalo(int step, bool fromLeft)
    {
        double value;
        while (!_halos.Remove((step, fromLeft), out value))
        {
            _haloArrived = new TaskCompletionSource();
            await _haloArrived.Task;
        }

        return value;
    }

    public async Task<WorkerReport> RunPingPong(int partner, long rounds)
    {
        var peer = Peer(partner);
        var self = partner == Setup.Index;
        var payload = new byte[Spec.PayloadBytes];
        var latency = new LatencyRecorder();
        ulong verified = 0;
        for (long r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            var ping = new PingMessage(r, payload);
            var pong = await (self ? peer.PongSelf(ping) : peer.Pong(ping));
            Receive(pong.Payload);
            latency.RecordSince(start);
            if (pong.Sequence == r + 1 && pong.Payload.Length == payload.Length)
            {
                verified++;
            }
        }

        return new WorkerReport
        {
            Answer = verified,
            Messages = 2 * rounds,
            PayloadBytes = 2 * rounds * (Spec.PayloadBytes + sizeof(long)),
            Latency = latency.Encode(),
        };
    }

    public Task<PongMessage> Pong(PingMessage message)
    {
        Receive(message.Payload);
        return Task.FromResult(new PongMessage(message.Sequence + 1, Send(message.Payload.Length)));
    }

    public Task<PongMessage> PongSelf(PingMessage message) => Pong(message);

    public async Task<WorkerReport> RunRing()
    {
        _ringDone = new TaskCompletionSource<ulong>();
        _ringLaps = new LatencyRecorder();
        _lapStart = Stopwatch.GetTimestamp();
        await Peer(1 % Spec.Workers).Pass(new RingToken(1, 0, new byte[Spec.PayloadBytes]));
        var value = await _ringDone.Task;
        return new WorkerReport
        {
            Answer = value,
            Messages = Spec.Work,
            PayloadBytes = Spec.Work * (Spec.PayloadBytes + (2 * sizeof(long))),
            Latency = _ringLaps.Encode(),
        };
    }

    public async Task Pass(RingToken token)
    {
        Receive(token.Payload);
        var value = unchecked(token.Value + (ulong)Setup.Index);
        if (Setup.Index == 0 && _ringLaps is not null)
        {
            // Laps are timed where they start, so no two machines' clocks are ever compared.
            var now = Stopwatch.GetTimestamp();
            _ringLaps.RecordTicks((now - _lapStart) / Spec.Workers);
            _lapStart = now;
        }

        if (token.Hop == Spec.Work)
        {
            await (Setup.Index == 0 ? RingDone(value) : Peer(0).RingDone(value));
            return;
        }

        await Peer((Setup.Index + 1) % Spec.Workers).Pass(new RingToken(token.Hop + 1, value, Send(token.Payload.Length)));
    }

    public Task RingDone(ulong value)
    {
        _ringDone?.TrySetResult(value);
        return Task.CompletedTask;
    }

    /// <summary>Copies an arriving payload into this process's own memory.</summary>
    private void Receive(byte[] payload) => PrivateMemory.Receive(ref _inbox, payload);

    /// <summary>A fresh copy of the last payload received, to send on: the receiver never sees this process's memory.</summary>
    private byte[] Send(int length) => length == 0 ? [] : _inbox[..length];

    public Task Stop()
    {
        _memory = [];
        _inbox = [];
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
