using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.ForkJoin;

/// <summary>
/// <c>fjthroughput</c> (Savina's Fork-Join Throughput): every worker receives N messages and does a small
/// computation (sin²θ) for each (Savina's default: N = 10,000 messages to each of 60 actors). Processes are
/// sent their messages one-way by the coordinator and asked at the end how many they handled; threads handle
/// their share in place and add their counts into shared memory.
/// </summary>
public sealed class ForkJoinWorkload : Workload<IForkJoinProcess>
{
    /// <summary>Savina's messages per actor.</summary>
    public const long MessagesPerWorker = 10_000;

    /// <summary>Messages in flight to one worker at most (Savina sends all at once; a grain's queue needs a bound).</summary>
    public const long Window = 5_000;

    /// <summary>Savina's θ.</summary>
    public const double Theta = 37.2;

    /// <inheritdoc />
    public override Workload Name => new("fjthroughput");

    /// <inheritdoc />
    public override string Summary => "Savina's fork-join throughput: N messages to every worker, a little compute each";

    /// <inheritdoc />
    public override string Unit => "messages";

    /// <summary>Savina's 10,000 messages to every worker.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(spec.Workers * MessagesPerWorker, 1);

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => (ulong)spec.Work;

    /// <summary>The computation of one message; its result is kept so that it cannot be left out.</summary>
    public static double Compute(double theta)
    {
        var s = Math.Sin(theta);
        return s * s;
    }

    /// <inheritdoc />
    public override async Task<ulong> RunProcessesAsync(ProcessRun run)
    {
        var spec = run.Spec;
        var payload = new byte[spec.PayloadBytes];
        // The fork: every worker's messages, sent one-way, worker after worker.
        for (var i = 0; i < spec.Workers; i++)
        {
            var worker = run.Worker<IForkJoinProcess>(i);
            var share = WorkSplit.Share(spec.Work, spec.Workers, i);
            for (long k = 0; k < share; k++)
            {
                if (k > 0 && k % Window == 0)
                {
                    run.Stopping.ThrowIfCancellationRequested();

                    // Flow control: no more than a window of unhandled messages in flight to one worker.
                    await worker.Handled(k - Window);
                }

                run.Sink.Sent();
                _ = worker.Handle(new ForkJoinMessage(Theta, payload));
            }

            run.Sink.Count(share, share * (spec.PayloadBytes + sizeof(double)), run.Sink.Crosses(i));
        }

        var handled = await Task.WhenAll(Enumerable.Range(0, spec.Workers).Select(i =>
            run.Worker<IForkJoinProcess>(i).Handled(WorkSplit.Share(spec.Work, spec.Workers, i))));
        return (ulong)handled.Sum();
    }

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    private sealed class Threads(SharedMemoryRun run) : ISharedMemoryWorkload
    {
        public void Run(int index)
        {
            var spec = run.Spec;
            var share = WorkSplit.Share(spec.Work, spec.Workers, index);
            var kept = 0.0;
            for (long done = 0; done < share; done += spec.Granularity)
            {
                run.Cancelled.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                var count = Math.Min(spec.Granularity, share - done);
                for (var j = 0; j < count; j++)
                {
                    run.Gil.Checkpoint();
                    kept += Compute(Theta);
                }

                run.Sink.Record(start);
            }

            run.Shared.Add(kept > 0 || share == 0 ? share : 0);
        }

        public ulong Answer() => (ulong)run.Shared.Value;
    }
}

/// <summary>One message of the fork-join: the angle to compute with.</summary>
[GenerateSerializer, Immutable, Alias("pm.ForkJoinMessage")]
public sealed record ForkJoinMessage([property: Id(0)] double Theta, [property: Id(1)] byte[] Payload);

/// <summary>A <c>fjthroughput</c> process.</summary>
public interface IForkJoinProcess : IProcessWorker
{
    /// <summary>Handles one message (synchronously: interleaving it changes when it runs, never what it does).</summary>
    [OneWay, AlwaysInterleave]
    Task Handle(ForkJoinMessage message);

    /// <summary>How many messages this process handled, once it has handled <paramref name="expected"/> (or the run's time limit has passed).</summary>
    Task<long> Handled(long expected);
}

/// <inheritdoc cref="IForkJoinProcess" />
internal class ForkJoinProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IForkJoinProcess
{
    private long _handled;
    private double _kept;
    private long _target = long.MaxValue;
    private TaskCompletionSource? _reached;
    private long _last = Stopwatch.GetTimestamp();

    public Task Handle(ForkJoinMessage message)
    {
        Receive(message.Payload);
        Sink.Delivered();
        Sink.Done(1);
        _kept += ForkJoinWorkload.Compute(message.Theta);
        var now = Stopwatch.GetTimestamp();
        Sink.RecordTicks(now - _last, Sink.CrossesDriver);
        _last = now;
        if (++_handled >= _target)
        {
            _reached?.TrySetResult();
        }

        return Task.CompletedTask;
    }

    public async Task<long> Handled(long expected)
    {
        if (_handled < expected)
        {
            // One-way messages are not ordered before this call: wait (bounded) for any still on their way.
            _target = expected;
            _reached = new TaskCompletionSource();
            await Task.WhenAny(_reached.Task, Task.Delay(TimeSpan.FromSeconds(Spec.TimeLimitSeconds)));
        }

        return _kept > 0 || _handled == 0 ? _handled : 0;
    }
}

/// <summary>An emulated run's <see cref="ForkJoinProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedForkJoinProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ForkJoinProcessGrain(sinks, silo), IIncomingGrainCallFilter;
