using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.ThreadRing;

/// <summary>
/// <c>threadring</c> (Savina's Thread Ring): a token with a count of R passes around a ring of workers, each
/// pass taking one off; the worker that takes it to zero ends the run (Savina's default: R = 100,000 passes
/// around 100 actors, so run it with <c>--workers 100</c>). The answer is the passes made and the worker that
/// ended it: R · 1,000,003 + (R mod W).
/// </summary>
public sealed class ThreadRingWorkload : Workload<IThreadRingProcess>
{
    private const ulong Scale = 1_000_003;

    /// <inheritdoc />
    public override Workload Name => new("threadring");

    /// <inheritdoc />
    public override string Summary => "Savina's thread ring: a count passed around a ring until it reaches zero";

    /// <inheritdoc />
    public override string Unit => "passes";

    /// <summary>The token is serial by design: more workers make a longer ring, not a faster one.</summary>
    public override bool HasSpeedup => false;

    /// <summary>Savina's 100,000 passes.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(100_000, 1);

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => Answer(spec.Work, (int)(spec.Work % spec.Workers));

    /// <summary>The answer for <paramref name="passes"/> made, ended by worker <paramref name="last"/>.</summary>
    public static ulong Answer(long passes, int last) => unchecked(((ulong)passes * Scale) + (ulong)last);

    /// <inheritdoc />
    public override Task<ulong> RunProcessesAsync(ProcessRun run) => run.Worker<IThreadRingProcess>(0).Ring();

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    /// <summary>The token only counts: the answer is the passes made and who made the last.</summary>
    private sealed class Threads(SharedMemoryRun run) : TokenRingThreads(run, run.Spec.PayloadBytes + sizeof(long))
    {
        protected override void Take(int index)
        {
        }

        public override ulong Answer() => Last < 0 ? 0 : ThreadRingWorkload.Answer(Delivered, Last);
    }
}

/// <summary>The thread ring's token: passes still to make, passes made so far.</summary>
[GenerateSerializer, Immutable, Alias("pm.ThreadRingToken")]
public sealed record ThreadRingToken([property: Id(0)] long Remaining, [property: Id(1)] long Passes, [property: Id(2)] byte[] Payload);

/// <summary>A <c>threadring</c> process.</summary>
public interface IThreadRingProcess : IProcessWorker
{
    /// <summary>Starts the token (process 0 only) and waits for the pass that takes it to zero.</summary>
    Task<ulong> Ring();

    /// <summary>Takes one off the token and passes it on, or ends the ring.</summary>
    [OneWay, AlwaysInterleave]
    Task Pass(ThreadRingToken token);

    /// <summary>Tells process 0 the passes made and who made the last.</summary>
    [OneWay, AlwaysInterleave]
    Task Done(long passes, int last);
}

/// <inheritdoc cref="IThreadRingProcess" />
internal class ThreadRingProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IThreadRingProcess
{
    private TaskCompletionSource<ulong>? _done;
    private long _sent;
    private bool _lapped;

    public async Task<ulong> Ring()
    {
        _done = new TaskCompletionSource<ulong>();
        _sent = Stopwatch.GetTimestamp();
        Sink.Sent();
        await Peer<IThreadRingProcess>(1 % Spec.Workers).Pass(new ThreadRingToken(Spec.Work, 0, new byte[Spec.PayloadBytes]));
        return await _done.Task.WaitAsync(TimeSpan.FromSeconds(Spec.TimeLimitSeconds));
    }

    public async Task Pass(ThreadRingToken token)
    {
        Receive(token.Payload);
        Sink.Delivered();
        Sink.Done(1);
        Sink.Count(1, Spec.PayloadBytes + (2 * sizeof(long)), Sink.Crosses((Index + Spec.Workers - 1) % Spec.Workers));
        if (Index == 0)
        {
            // A lap's mean pass, timed where it starts, so no two machines' clocks are compared.
            var now = Stopwatch.GetTimestamp();
            Sink.RecordTicks((now - _sent) / Spec.Workers, Sink.SpansSilos);
            _sent = now;
            _lapped = true;
        }

        if (token.Remaining == 1)
        {
            await (Index == 0 ? Done(token.Passes + 1, Index) : Peer<IThreadRingProcess>(0).Done(token.Passes + 1, Index));
            return;
        }

        Sink.Sent();
        await Peer<IThreadRingProcess>((Index + 1) % Spec.Workers).Pass(new ThreadRingToken(token.Remaining - 1, token.Passes + 1, Send(token.Payload.Length)));
    }

    public Task Done(long passes, int last)
    {
        if (Index == 0 && !_lapped)
        {
            // A ring shorter than one lap still records its one (partial) lap.
            Sink.RecordTicks(Stopwatch.GetTimestamp() - _sent, Sink.SpansSilos);
        }

        _done?.TrySetResult(ThreadRingWorkload.Answer(passes, last));
        return Task.CompletedTask;
    }
}

/// <summary>An emulated run's <see cref="ThreadRingProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedThreadRingProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ThreadRingProcessGrain(sinks, silo), IIncomingGrainCallFilter;
