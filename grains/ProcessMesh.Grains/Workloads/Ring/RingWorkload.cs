using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Ring;

/// <summary>
/// <c>ring</c>: a token passed around all workers, hop h landing on worker h mod W, which adds its index to the
/// token. A message per hop for processes, a shared slot and the next worker's wait handle for threads.
/// Latency is per hop: the mean of each lap, timed at worker 0, so no two clocks are ever compared.
/// </summary>
public sealed class RingWorkload : Workload<IRingProcess>
{
    /// <inheritdoc />
    public override Workload Name => Workload.Ring;

    /// <inheritdoc />
    public override string Summary => "a token passed around all workers";

    /// <inheritdoc />
    public override string Unit => "hops";

    /// <summary>The token is serial by design: more workers make a longer ring, not a faster one.</summary>
    public override bool HasSpeedup => false;

    /// <summary>At least 50,000 hops, and 100 hops per worker.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(Math.Max(50_000, spec.Workers * 100L), 1);

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec)
    {
        var laps = (ulong)(spec.Work / spec.Workers);
        var rest = (ulong)(spec.Work % spec.Workers);
        var w = (ulong)spec.Workers;
        return unchecked((laps * (w * (w - 1) / 2)) + (rest * (rest + 1) / 2));
    }

    /// <inheritdoc />
    public override Task<ulong> RunProcessesAsync(ProcessRun run) => run.Worker<IRingProcess>(0).RunRing();

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    /// <summary>The token adds each taker's index.</summary>
    private sealed class Threads(SharedMemoryRun run) : TokenRingThreads(run, run.Spec.PayloadBytes + (2 * sizeof(long)))
    {
        private ulong _value;

        protected override void Take(int index) => _value = unchecked(_value + (ulong)index);

        public override ulong Answer() => _value;
    }
}

/// <summary>The ring's token: which hop delivers it and the sum of the receivers' indexes so far.</summary>
[GenerateSerializer, Immutable, Alias("pm.RingToken")]
public sealed record RingToken([property: Id(0)] long Hop, [property: Id(1)] ulong Value, [property: Id(2)] byte[] Payload);

/// <summary>A <c>ring</c> process.</summary>
public interface IRingProcess : IProcessWorker
{
    /// <summary>Starts the token (process 0 only) and waits for its last hop; replies with the token's final value.</summary>
    Task<ulong> RunRing();

    /// <summary>Receives the token and passes it on.</summary>
    [OneWay, AlwaysInterleave]
    Task Pass(RingToken token);

    /// <summary>Tells process 0 the ring's final value.</summary>
    [OneWay, AlwaysInterleave]
    Task RingDone(ulong value);
}

/// <inheritdoc cref="IRingProcess" />
internal class RingProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IRingProcess
{
    private TaskCompletionSource<ulong>? _ringDone;
    private long _lapStart;

    public async Task<ulong> RunRing()
    {
        _ringDone = new TaskCompletionSource<ulong>();
        _lapStart = Stopwatch.GetTimestamp();
        Sink.Sent();
        await Peer<IRingProcess>(1 % Spec.Workers).Pass(new RingToken(1, 0, new byte[Spec.PayloadBytes]));
        return await _ringDone.Task;
    }

    public async Task Pass(RingToken token)
    {
        Receive(token.Payload);
        Sink.Delivered();
        Sink.Done(1);
        Sink.Count(1, Spec.PayloadBytes + (2 * sizeof(long)), Sink.Crosses((Index + Spec.Workers - 1) % Spec.Workers));
        var value = unchecked(token.Value + (ulong)Index);
        if (Index == 0 && _ringDone is not null)
        {
            // Laps are timed where they start, so no two machines' clocks are ever compared.
            var now = Stopwatch.GetTimestamp();
            Sink.RecordTicks((now - _lapStart) / Spec.Workers, Sink.SpansSilos);
            _lapStart = now;
        }

        if (token.Hop == Spec.Work)
        {
            await (Index == 0 ? RingDone(value) : Peer<IRingProcess>(0).RingDone(value));
            return;
        }

        Sink.Sent();
        await Peer<IRingProcess>((Index + 1) % Spec.Workers).Pass(new RingToken(token.Hop + 1, value, Send(token.Payload.Length)));
    }

    public Task RingDone(ulong value)
    {
        _ringDone?.TrySetResult(value);
        return Task.CompletedTask;
    }
}

/// <summary>An emulated run's <see cref="RingProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedRingProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : RingProcessGrain(sinks, silo), IIncomingGrainCallFilter;
