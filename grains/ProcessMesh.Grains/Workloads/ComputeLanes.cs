using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;

namespace ProcessMesh.Grains.Workloads;

/// <summary>A chunk of units for a process to run: units First .. First+Count-1.</summary>
[GenerateSerializer, Immutable, Alias("pm.ComputeRequest")]
public sealed record ComputeRequest([property: Id(0)] long First, [property: Id(1)] long Count, [property: Id(2)] byte[] Payload);

/// <summary>A process's partial result for one chunk.</summary>
[GenerateSerializer, Immutable, Alias("pm.ComputeReply")]
public sealed record ComputeReply([property: Id(0)] ulong Partial);

/// <summary>
/// What a lane's driver answers: the sum of its worker's whole share, and how often it had to start that worker
/// again on the way (with the last failure that made it).
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.LaneReply")]
public sealed record LaneReply([property: Id(0)] ulong Sum, [property: Id(1)] int Restarts, [property: Id(2)] string? LastFailure);

/// <summary>
/// A split workload whose process protocol is <see cref="ComputeLanes"/>: it only says how one chunk is sent to
/// one of its workers; the lanes drive the rest, on every silo that holds workers.
/// </summary>
public interface ILaneWorkload : IWorkload
{
    /// <summary>Sends chunks to the worker keyed <paramref name="workerKey"/> of a run of <paramref name="spec"/>, through the workload's own interface.</summary>
    Func<ComputeRequest, Task<ComputeReply>> Lane(IGrainFactory grains, RunSpec spec, string workerKey);
}

/// <summary>The common part of a lane workload: its process type and the one call that sends it a chunk.</summary>
/// <typeparam name="TProcess">The grain interface of this workload's process worker.</typeparam>
public abstract class LaneWorkload<TProcess> : Workload<TProcess>, ILaneWorkload where TProcess : IProcessWorker
{
    /// <summary>Every lane is driven on its worker's silo (<see cref="ComputeLanes"/>).</summary>
    public sealed override Task<ulong> RunProcessesAsync(ProcessRun run) => ComputeLanes.RunAsync(run);

    /// <inheritdoc />
    public Func<ComputeRequest, Task<ComputeReply>> Lane(IGrainFactory grains, RunSpec spec, string workerKey)
    {
        var worker = ProcessWorkers.Get<TProcess>(grains, spec, workerKey);
        return request => Send(worker, request);
    }

    /// <summary>Sends <paramref name="worker"/> one chunk; its reply is the chunk's partial answer.</summary>
    protected abstract Task<ComputeReply> Send(TProcess worker, ComputeRequest request);
}

/// <summary>
/// The master/worker protocol of the split workloads (<c>cpu</c>, <c>io</c>, <c>trapezoid</c>): one lane per
/// worker sends it its share a chunk per message and sums the partial replies. The lanes are not continuations
/// of the coordinator: each is a <see cref="LaneDriverGrain"/> on the silo of the worker it drives, so the
/// driving runs on every silo and every core, as the workers do, and the coordinator only hands out the lanes
/// and adds up their sums.
/// </summary>
public static class ComputeLanes
{
    /// <summary>Times a worker is started again (by its lane's driver, or by the coordinator for a lost driver) before it gives up.</summary>
    private const int MaxRetries = 5;

    /// <summary>Hands every lane to a driver on its worker's silo at once; the answer is the sum of every lane's.</summary>
    public static async Task<ulong> RunAsync(ProcessRun run)
    {
        var lanes = await Task.WhenAll(Enumerable.Range(0, run.Spec.Workers).Select(i => DriveAsync(run, i)));
        return lanes.Aggregate(0UL, (s, l) => unchecked(s + l));
    }

    /// <summary>
    /// Has lane <paramref name="index"/> driven on its worker's silo. The hand-off is a call of the run, in the
    /// coordinator's ledger: when the driver's silo is lost (or leaves), the call fails here, the worker starts
    /// again on a survivor and a driver there redoes the whole lane. Chunks hold no state, and the lost driver's
    /// sum never arrived, so the answer counts every unit once.
    /// </summary>
    private static async Task<ulong> DriveAsync(ProcessRun run, int index)
    {
        SiloAddress? failed = null;
        for (var attempt = 0; ; attempt++)
        {
            // A worker that still answers from the silo its driver failed on (leaving, not yet gone) is driven from here.
            var home = run.Home(index);
            var silo = home.Equals(failed) ? run.Here : home;
            run.Sink.Sent();
            try
            {
                var reply = await LaneDriverGrain.On(run.Grains, silo, run.RunId, index, attempt).Drive(run.RunId, run.Spec, index, run.Here, run.Stopping);
                run.Sink.Delivered();
                run.Recovered(reply.Restarts, reply.LastFailure);
                return reply.Sum;
            }
            catch (Exception e) when (!run.Stopping.IsCancellationRequested && attempt < MaxRetries)
            {
                run.Sink.Failed();
                failed = silo;
                await RestartAsync(run, index, e, attempt);
            }
            catch
            {
                run.Sink.Failed();
                throw;
            }
        }
    }

    /// <summary>
    /// Starts worker <paramref name="index"/> again after its lane failed. Until membership has declared a killed
    /// silo dead, its workers cannot start elsewhere yet: a restart that fails waits a little longer each attempt
    /// (the next attempt tries again), all within the run's time limit.
    /// </summary>
    private static async Task RestartAsync(ProcessRun run, int index, Exception failure, int attempt)
    {
        try
        {
            await run.RestartAsync(index, failure);
        }
        catch (Exception) when (!run.Stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), run.Stopping);
        }
    }

    /// <summary>
    /// One lane, run by its driver: sends worker <paramref name="index"/> its share a chunk at a time through
    /// <paramref name="call"/>, recording into the driver's silo's sink, and returns the sum of the replies.
    /// </summary>
    public static async Task<ulong> LaneAsync(ProcessRun run, int index, Func<ComputeRequest, Task<ComputeReply>> call)
    {
        var spec = run.Spec;
        var first = WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        var payload = new byte[spec.PayloadBytes];
        ulong sum = 0;
        var retries = 0;
        for (long done = 0; done < share;)
        {
            run.Stopping.ThrowIfCancellationRequested(); // the run stops waiting for the phase at its limit; lanes stop here
            var count = Math.Min(spec.Granularity, share - done);
            var start = Stopwatch.GetTimestamp();
            run.Sink.Sent();
            ComputeReply reply;
            try
            {
                reply = await call(new ComputeRequest(first + done, count, payload));
            }
            catch (Exception e) when (!run.Stopping.IsCancellationRequested && retries < MaxRetries)
            {
                // A chunk holds no state between messages, so a worker that was lost while its driver lives starts
                // again (on a survivor) and the chunk is sent again: the run recovers and its answer is still checked.
                run.Sink.Failed();
                retries++;
                await run.RestartAsync(index, e);
                continue;
            }
            catch
            {
                run.Sink.Failed();
                throw;
            }

            run.Sink.Answered(start, 2, spec.PayloadBytes + (3 * sizeof(long)), count, run.Sink.Crosses(index));
            sum = unchecked(sum + reply.Partial);
            done += count;
        }

        return sum;
    }
}
