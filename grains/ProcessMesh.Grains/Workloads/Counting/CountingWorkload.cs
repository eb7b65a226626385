using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.Thread;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Counting;

/// <summary>
/// <c>counting</c> (Savina's Counting Actor): producers send N one-way increments to one counter, which is then
/// asked for its count (Savina's default: N = 1,000,000, one producer). Worker 0 is the counter and workers
/// 1..W-1 the producers (a lone worker produces to itself); for threads the counter is one shared cell under
/// the run's primitive, so <c>none</c> loses updates, which the answer counts.
/// </summary>
public sealed class CountingWorkload : Workload<ICountingProcess>
{
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
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    private sealed class Threads(SharedMemoryRun run) : ISharedMemoryWorkload
    {
        public void Run(int index)
        {
            var spec = run.Spec;
            var share = Share(spec, index);
            for (long done = 0; done < share; done += spec.Granularity)
            {
                run.Cancelled.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                for (var j = Math.Min(spec.Granularity, share - done); j > 0; j--)
                {
                    run.Gil.Checkpoint();
                    run.Shared.Add(1);
                }

                run.Sink.Latency.RecordSince(start);
            }
        }

        public ulong Answer() => (ulong)run.Shared.Value;
    }
}

/// <summary>One increment for the counter.</summary>
[GenerateSerializer, Immutable, Alias("pm.CountingMessage")]
public sealed record CountingMessage([property: Id(0)] byte[] Payload);

/// <summary>A <c>counting</c> process: process 0 counts; the others produce.</summary>
public interface ICountingProcess : IProcessWorker
{
    /// <summary>Sends <paramref name="count"/> one-way increments to process 0.</summary>
    Task Produce(long count);

    /// <summary>Counts one increment.</summary>
    [OneWay, AlwaysInterleave]
    Task Increment(CountingMessage message);

    /// <summary>The count, once it has reached <paramref name="expected"/> (or the run's time limit has passed).</summary>
    [AlwaysInterleave]
    Task<long> Retrieve(long expected);
}

/// <inheritdoc cref="ICountingProcess" />
internal sealed class CountingProcessGrain(RunSinks sinks) : ProcessWorkerGrain(sinks), ICountingProcess
{
    private long _count;
    private long _target = long.MaxValue;
    private TaskCompletionSource? _reached;

    public Task Produce(long count)
    {
        var counter = Peer<ICountingProcess>(0);
        var payload = new byte[Spec.PayloadBytes];
        for (long done = 0; done < count; done += Spec.Granularity)
        {
            var start = Stopwatch.GetTimestamp();
            for (var j = Math.Min(Spec.Granularity, count - done); j > 0; j--)
            {
                _ = counter.Increment(new CountingMessage(payload));
            }

            Sink.Latency.RecordSince(start);
            Sink.Count(Math.Min(Spec.Granularity, count - done), Spec.PayloadBytes);
        }

        return Task.CompletedTask;
    }

    public Task Increment(CountingMessage message)
    {
        Receive(message.Payload);
        if (++_count >= _target)
        {
            _reached?.TrySetResult();
        }

        return Task.CompletedTask;
    }

    public async Task<long> Retrieve(long expected)
    {
        if (_count < expected)
        {
            _target = expected;
            _reached = new TaskCompletionSource();
            try
            {
                // One-way messages are not ordered after the producers' replies: wait for the last to land, bounded.
                await _reached.Task.WaitAsync(TimeSpan.FromSeconds(Spec.TimeLimitSeconds));
            }
            catch (TimeoutException)
            {
                // The count is what it is: a wrong answer, not a hang.
            }
        }

        return _count;
    }
}
