using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.PingPong;

/// <summary>
/// <c>pingpong</c>: the latency of one hand-off and its reply. Workers 2k and 2k+1 form a pair and bounce
/// concurrently with the other pairs (a lone worker bounces off itself): a message and its reply for
/// processes, a shared slot and two wait handles for threads.
/// </summary>
public sealed class PingPongWorkload : Workload<IPingPongProcess>
{
    /// <inheritdoc />
    public override Workload Name => Workload.PingPong;

    /// <inheritdoc />
    public override string Summary => "the latency of one hand-off and its reply, in concurrent pairs";

    /// <inheritdoc />
    public override string Unit => "round trips";

    /// <summary>A lone worker pings itself: a different experiment, so no speedup against it.</summary>
    public override bool HasSpeedup => false;

    /// <summary>At least 100,000 round trips, and 10,000 per pair: enough for every pair to reach its steady rate.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(Math.Max(100_000, WorkSplit.Pairs(spec.Workers) * 10_000L), 1);

    /// <summary>Each round trip is answered with its successor exactly once.</summary>
    public override ulong Expected(RunSpec spec) => (ulong)spec.Work;

    /// <inheritdoc />
    public override async Task<ulong> RunProcessesAsync(ProcessRun run)
    {
        var spec = run.Spec;
        var pairs = WorkSplit.Pairs(spec.Workers);
        var verified = await Task.WhenAll(Enumerable.Range(0, pairs).Select(p =>
            run.Worker<IPingPongProcess>(spec.Workers == 1 ? 0 : 2 * p).RunPingPong(WorkSplit.Partner(spec.Workers, p), WorkSplit.Share(spec.Work, pairs, p))));
        return verified.Aggregate(0UL, (s, v) => s + v);
    }

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    private sealed class Threads(SharedMemoryRun run) : ISharedMemoryWorkload
    {
        private readonly Slot[] _slots = Enumerable.Range(0, WorkSplit.Pairs(run.Spec.Workers)).Select(_ => new Slot(run.Spec.PayloadBytes)).ToArray();

        public void Run(int index)
        {
            var spec = run.Spec;
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
                if (!pinger)
                {
                    Pong(slot);
                    continue;
                }

                var start = Stopwatch.GetTimestamp();
                slot.Write(r, run.Payload);
                slot.Ping.Release();
                if (alone)
                {
                    Pong(slot);
                }

                run.WithoutLock(() => slot.Pong.Wait(run.Cancelled));
                if (slot.Sequence == r + 1)
                {
                    run.Shared.Add(1);
                }

                run.Sink.Record(start);
                run.Sink.Count(2, 2 * (spec.PayloadBytes + sizeof(long)));
            }
        }

        private void Pong(Slot slot)
        {
            run.WithoutLock(() => slot.Ping.Wait(run.Cancelled));
            slot.Sequence++;
            slot.Pong.Release();
        }

        public ulong Answer() => (ulong)run.Shared.Value;
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

/// <summary>
/// One ping: a sequence number the partner must answer with its successor. A struct, unlike the other
/// messages: pingpong measures the hand-off itself, so the harness allocates nothing per round trip.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.PingMessage")]
public readonly record struct PingMessage([property: Id(0)] long Sequence, [property: Id(1)] byte[] Payload);

/// <summary>The reply to a ping, carrying the payload back (a struct, as <see cref="PingMessage"/> is).</summary>
[GenerateSerializer, Immutable, Alias("pm.PongMessage")]
public readonly record struct PongMessage([property: Id(0)] long Sequence, [property: Id(1)] byte[] Payload);

/// <summary>A <c>pingpong</c> process.</summary>
public interface IPingPongProcess : IProcessWorker
{
    /// <summary>Bounces <paramref name="rounds"/> pings off process <paramref name="partner"/>; replies with how many came back right.</summary>
    Task<ulong> RunPingPong(int partner, long rounds);

    /// <summary>Answers a ping. The partner is idle while its pinger waits, so no interleaving is needed (or paid for).</summary>
    Task<PongMessage> Pong(PingMessage message);

    /// <summary>Answers a ping from this same process (a lone worker bounces off itself while it waits).</summary>
    [AlwaysInterleave]
    Task<PongMessage> PongSelf(PingMessage message);
}

/// <inheritdoc cref="IPingPongProcess" />
internal class PingPongProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IPingPongProcess
{
    public async Task<ulong> RunPingPong(int partner, long rounds)
    {
        var self = partner == Index;
        var payload = new byte[Spec.PayloadBytes];
        var bytesPerRound = 2 * (Spec.PayloadBytes + sizeof(long));
        var crosses = Sink.Crosses(partner);
        ulong verified = 0;
        for (long r = 0; r < rounds; r++)
        {
            ThrowIfStopped(r, rounds, "rounds");
            var start = Stopwatch.GetTimestamp();
            var ping = new PingMessage(r, payload);
            Sink.Sent();
            PongMessage pong;
            try
            {
                pong = await (self ? Peer<IPingPongProcess>(partner).PongSelf(ping) : Peer<IPingPongProcess>(partner).Pong(ping));
            }
            catch
            {
                Sink.Failed();
                throw;
            }

            Receive(pong.Payload);
            Sink.Answered(start, 2, bytesPerRound, 1, crosses);
            // A reply that is the sender's own array would mean the partner kept no memory of its own: not counted.
            if (pong.Sequence == r + 1 && pong.Payload.Length == payload.Length && (payload.Length == 0 || !ReferenceEquals(pong.Payload, payload)))
            {
                verified++;
            }
        }

        return verified;
    }

    public Task<PongMessage> Pong(PingMessage message)
    {
        Receive(message.Payload);
        return Task.FromResult(new PongMessage(message.Sequence + 1, Send(message.Payload.Length)));
    }

    public Task<PongMessage> PongSelf(PingMessage message) => Pong(message);
}

/// <summary>An emulated run's <see cref="PingPongProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedPingPongProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : PingPongProcessGrain(sinks, silo), IIncomingGrainCallFilter;
