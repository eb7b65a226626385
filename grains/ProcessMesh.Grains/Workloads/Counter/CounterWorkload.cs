using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Counter;

/// <summary>
/// <c>counter</c>: contention on one piece of state. Process 0 owns the counter and the others' increments are
/// messages to it; threads update one shared cell under the run's primitive, and with <c>none</c> lose updates,
/// which the answer counts.
/// </summary>
public sealed class CounterWorkload : Workload<ICounterProcess>
{
    /// <inheritdoc />
    public override Workload Name => Workload.Counter;

    /// <inheritdoc />
    public override string Summary => "contention on one shared counter";

    /// <inheritdoc />
    public override string Unit => "increments";

    /// <inheritdoc />
    public override bool CountsLostUpdates => true;

    /// <summary>At least 200,000 increments, and 2,000 per worker.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(Math.Max(200_000, spec.Workers * 2_000L), 1);

    /// <summary>The answer is a sum over units, so disjoint shares add up.</summary>
    public override bool Splits => true;

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => (ulong)spec.Work;

    /// <inheritdoc />
    public override async Task<ulong> RunProcessesAsync(ProcessRun run)
    {
        var spec = run.Spec;
        await Task.WhenAll(Enumerable.Range(0, spec.Workers).Select(i =>
            run.Worker<ICounterProcess>(i).RunCounter(WorkSplit.Share(spec.Work, spec.Workers, i))));
        return (ulong)await run.Worker<ICounterProcess>(0).ReadCounter();
    }

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) =>
        new CounterThreads(run, index => WorkSplit.Share(run.Spec.Work, run.Spec.Workers, index));
}

/// <summary>
/// Threads that each add their share of increments, a chunk at a time, to the one shared cell under the run's
/// primitive (the shared-memory side of <c>counter</c> and of Savina's <c>counting</c>).
/// </summary>
public sealed class CounterThreads(SharedMemoryRun run, Func<int, long> share) : ISharedMemoryWorkload
{
    /// <inheritdoc />
    public void Run(int index)
    {
        var spec = run.Spec;
        var mine = share(index);
        for (long done = 0; done < mine; done += spec.Granularity)
        {
            run.Cancelled.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            for (var j = Math.Min(spec.Granularity, mine - done); j > 0; j--)
            {
                run.Gil.Checkpoint();
                run.Shared.Add(1);
            }

            run.Sink.Record(start);
        }
    }

    /// <inheritdoc />
    public ulong Answer() => (ulong)run.Shared.Value;
}

/// <summary>Increments for the process that owns the counter.</summary>
[GenerateSerializer, Immutable, Alias("pm.CounterMessage")]
public sealed record CounterMessage([property: Id(0)] long Delta, [property: Id(1)] byte[] Payload);

/// <summary>A <c>counter</c> process: process 0 owns the counter; the others send it increments.</summary>
public interface ICounterProcess : IProcessWorker
{
    /// <summary>Performs this process's share of increments (messages to process 0, or its own writes if it is 0).</summary>
    Task RunCounter(long share);

    /// <summary>Adds increments to the counter this process owns.</summary>
    [AlwaysInterleave]
    Task Increment(CounterMessage message);

    /// <summary>The counter's value.</summary>
    Task<long> ReadCounter();
}

/// <inheritdoc cref="ICounterProcess" />
internal class CounterProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), ICounterProcess
{
    private long _counter;

    public async Task RunCounter(long share)
    {
        if (Index == 0)
        {
            // The owner's own increments are writes to its private memory, not messages.
            for (long done = 0; done < share; done += Spec.Granularity)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = Math.Min(Spec.Granularity, share - done); i > 0; i--)
                {
                    _counter++;
                }

                Sink.Record(start);
            }

            return;
        }

        var crosses = Sink.Crosses(0);
        var payload = new byte[Spec.PayloadBytes];
        for (long done = 0; done < share; done += Spec.Granularity)
        {
            ThrowIfStopped(done, share, "increments");
            var start = Stopwatch.GetTimestamp();
            Sink.Sent();
            try
            {
                await Peer<ICounterProcess>(0).Increment(new CounterMessage(Math.Min(Spec.Granularity, share - done), payload));
            }
            catch
            {
                Sink.Failed();
                throw;
            }

            Sink.Answered(start, 2, Spec.PayloadBytes + sizeof(long), Math.Min(Spec.Granularity, share - done), crosses);
        }
    }

    public Task Increment(CounterMessage message)
    {
        Receive(message.Payload);
        _counter += message.Delta;
        return Task.CompletedTask;
    }

    public Task<long> ReadCounter() => Task.FromResult(_counter);
}

/// <summary>An emulated run's <see cref="CounterProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedCounterProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : CounterProcessGrain(sinks, silo), IIncomingGrainCallFilter;
