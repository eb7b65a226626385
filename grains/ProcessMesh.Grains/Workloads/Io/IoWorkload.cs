using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Io;

/// <summary>
/// <c>io</c>: blocking waits. A process awaits each simulated I/O of the chunks it is sent; a thread blocks in
/// each, giving up the interpreter lock while it waits, as CPython threads do.
/// </summary>
public sealed class IoWorkload : LaneWorkload<IIoProcess>
{
    /// <inheritdoc />
    public override Workload Name => Workload.Io;

    /// <inheritdoc />
    public override string Summary => "blocking waits (simulated I/O)";

    /// <inheritdoc />
    public override string Unit => "waits";

    /// <summary>At least 400 waits, and 100 per worker, so that every worker waits long enough to be in step.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(Math.Max(400, spec.Workers * 100L), 1);

    /// <summary>Chunks hold no state between messages: a lost worker starts again on a survivor and its chunk is redone.</summary>
    public override bool Recovers => true;

    /// <inheritdoc />
    public override long QuickWork => 30;

    /// <summary>The answer is a sum over units, so disjoint shares add up.</summary>
    public override bool Splits => true;

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => IoKernel.Expected(spec.Work);

    /// <inheritdoc />
    protected override Task<ComputeReply> Send(IIoProcess worker, ComputeRequest request) => worker.Wait(request);

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    private sealed class Threads(SharedMemoryRun run) : ISharedMemoryWorkload
    {
        public void Run(int index)
        {
            var spec = run.Spec;
            var first = run.FirstUnit + WorkSplit.Start(spec.Work, spec.Workers, index);
            var share = WorkSplit.Share(spec.Work, spec.Workers, index);
            for (long done = 0; done < share; done += spec.Granularity)
            {
                var start = Stopwatch.GetTimestamp();
                ulong sum = 0;
                for (var k = first + done; k < first + Math.Min(done + spec.Granularity, share); k++)
                {
                    run.Cancelled.ThrowIfCancellationRequested();
                    run.WithoutLock(() => IoKernel.Block(spec.IoMillis));
                    sum = unchecked(sum + IoKernel.Value(k));
                }

                run.Shared.Add(unchecked((long)sum));
                run.Sink.Record(start);
            }
        }

        public ulong Answer() => (ulong)run.Shared.Value;
    }
}

/// <summary>An <c>io</c> process: performs the waits it is sent.</summary>
public interface IIoProcess : IProcessWorker
{
    /// <summary>Performs a chunk of waits and replies with the values they read.</summary>
    Task<ComputeReply> Wait(ComputeRequest request);
}

/// <inheritdoc cref="IIoProcess" />
internal class IoProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IIoProcess
{
    public async Task<ComputeReply> Wait(ComputeRequest request)
    {
        Receive(request.Payload);
        ulong sum = 0;
        for (var k = request.First; k < request.First + request.Count; k++)
        {
            await IoKernel.WaitAsync(Spec.IoMillis);
            sum = unchecked(sum + IoKernel.Value(k));
        }

        return new ComputeReply(sum);
    }
}

/// <summary>An emulated run's <see cref="IoProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedIoProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : IoProcessGrain(sinks, silo), IIncomingGrainCallFilter;
