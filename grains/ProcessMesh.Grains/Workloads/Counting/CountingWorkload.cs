using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads.Counter;

namespace ProcessMesh.Grains.Workloads.Counting;

/// <summary>
/// <c>counting</c> (Savina's Counting Actor): producers send N one-way increments to one counter, which is then
/// asked for its count (Savina's default: N = 1,000,000, one producer). Worker 0 is the counter and workers
/// 1..W-1 the producers (a lone worker produces to itself); for threads the counter is one shared cell under
/// the run's primitive, so <c>none</c> loses updates, which the answer counts.
/// </summary>
public sealed class CountingWorkload : Workload<ICountingProcess>
{
    /// <summary>
    /// One-way increments a producer may have in flight: Savina's producer sends all N at once, but a million
    /// unanswered messages to one grain swamp its queue, so a producer waits for the counter to catch up to
    /// within this window (a credit, as flow-controlled IPC has).
    /// </summary>
    public const long Window = 10_000;

    /// <inheritdoc />
    public override Workload Name => new("counting");

    /// <inheritdoc />
    public override string Summary => "Savina's counting actor: one-way increments to one counter";

    /// <inheritdoc />
    public override string Unit => "increments";

    /// <inheritdoc />
    public override bool CountsLostUpdates => true;

    /// <summary>Savina's 1,000,000 increments.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(1_000_000, 1);

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => (ulong)spec.Work;

    /// <summary>Whether worker <paramref name="index"/> produces: every worker but the counter, or the counter when it is alone.</summary>
    public static bool Produces(int index, int workers) => workers == 1 || index > 0;

    /// <summary>Worker <paramref name="index"/>'s share of increments.</summary>
    public static long Share(RunSpec spec, int index) =>
        !Produces(index, spec.Workers) ? 0 : spec.Workers == 1 ? spec.Work : WorkSplit.Share(spec.Work, spec.Workers - 1, index - 1);

    /// <inheritdoc />
    public override async Task<ulong> RunProcessesAsync(ProcessRun run)
    {
        var spec = run.Spec;
        await Task.WhenAll(Enumerable.Range(0, spec.Workers).Where(i => Produces(i, spec.Workers))
            .Select(i => run.Worker<ICountingProcess>(i).Produce(Share(spec, i))));
        return (ulong)await run.Worker<ICountingProcess>(0).Retrieve(spec.Work);
    }

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new CounterThreads(run, index => Share(run.Spec, index));
}

/// <summary>One increment for the counter.</summary>
[GenerateSerializer, Immutable, Alias("pm.CountingMessage")]
public sealed record CountingMessage([property: Id(0)] byte[] Payload);

/// <summary>A <c>counting</c> process: process 0 counts; the others produce.</summary>
public interface ICountingProcess : IProcessWorker
{
    /// <summary>Sends <paramref name="count"/> one-way increments to process 0, at most a window ahead of its count.</summary>
    Task Produce(long count);

    /// <summary>Counts one increment.</summary>
    [OneWay, AlwaysInterleave]
    Task Increment(CountingMessage message);

    /// <summary>The count, once it has reached <paramref name="total"/> (or the run's time limit has passed).</summary>
    [AlwaysInterleave]
    Task<long> Retrieve(long total);
}

/// <inheritdoc cref="ICountingProcess" />
internal class CountingProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), ICountingProcess
{
    private readonly List<(long Total, TaskCompletionSource Reached)> _waiting = [];
    private long _count;

    public async Task Produce(long count)
    {
        var producers = Math.Max(1, Spec.Workers - 1);
        var payload = new byte[Spec.PayloadBytes];
        var check = CountingWorkload.Window;
        for (long done = 0; done < count; done += Spec.Granularity)
        {
            ThrowIfStopped(done, count, "increments");
            if (done >= check)
            {
                // Producers run at one pace, so the counter is within a window of this one when it has counted
                // every producer's increments up to a window ago.
                await Peer<ICountingProcess>(0).Retrieve(producers * (done - CountingWorkload.Window));
                check = done + CountingWorkload.Window;
            }

            var start = Stopwatch.GetTimestamp();
            var chunk = Math.Min(Spec.Granularity, count - done);
            Sink.Sent(chunk);
            for (var j = chunk; j > 0; j--)
            {
                _ = Peer<ICountingProcess>(0).Increment(new CountingMessage(payload));
            }

            Sink.Record(start, Sink.Crosses(0));
            Sink.Count(chunk, chunk * Spec.PayloadBytes, Sink.Crosses(0));
        }
    }

    public Task Increment(CountingMessage message)
    {
        Receive(message.Payload);
        Sink.Delivered();
        Sink.Done(1);
        _count++;
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_count >= _waiting[i].Total)
            {
                _waiting[i].Reached.TrySetResult();
                _waiting.RemoveAt(i);
            }
        }

        return Task.CompletedTask;
    }

    public async Task<long> Retrieve(long total)
    {
        if (_count < total)
        {
            // One-way messages are not ordered before this call: wait (bounded) for those still on their way.
            var reached = new TaskCompletionSource();
            _waiting.Add((total, reached));
            await Task.WhenAny(reached.Task, Task.Delay(TimeSpan.FromSeconds(Spec.TimeLimitSeconds)));
        }

        return _count;
    }
}

/// <summary>An emulated run's <see cref="CountingProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedCountingProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : CountingProcessGrain(sinks, silo), IIncomingGrainCallFilter;
