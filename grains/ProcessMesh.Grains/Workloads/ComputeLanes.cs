using System.Diagnostics;
using ProcessMesh.Grains.Engines.Process;

namespace ProcessMesh.Grains.Workloads;

/// <summary>A chunk of units for a process to run: units First .. First+Count-1.</summary>
[GenerateSerializer, Immutable, Alias("pm.ComputeRequest")]
public sealed record ComputeRequest([property: Id(0)] long First, [property: Id(1)] long Count, [property: Id(2)] byte[] Payload);

/// <summary>A process's partial result for one chunk.</summary>
[GenerateSerializer, Immutable, Alias("pm.ComputeReply")]
public sealed record ComputeReply([property: Id(0)] ulong Partial);

/// <summary>
/// The master/worker protocol of the split workloads (<c>cpu</c>, <c>io</c>): one lane per worker sends it its
/// share a chunk per message and sums the partial replies.
/// </summary>
public static class ComputeLanes
{
    /// <summary>Times one lane starts its worker again before it gives up.</summary>
    private const int MaxRetries = 5;

    /// <summary>Runs every lane at once; the answer is the sum of every reply.</summary>
    public static async Task<ulong> RunAsync(ProcessRun run, Func<int, ComputeRequest, Task<ComputeReply>> call)
    {
        var lanes = await Task.WhenAll(Enumerable.Range(0, run.Spec.Workers).Select(i => LaneAsync(run, i, call)));
        return lanes.Aggregate(0UL, (s, l) => unchecked(s + l));
    }

    private static async Task<ulong> LaneAsync(ProcessRun run, int index, Func<int, ComputeRequest, Task<ComputeReply>> call)
    {
        var spec = run.Spec;
        var first = WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        var payload = new byte[spec.PayloadBytes];
        ulong sum = 0;
        var retries = 0;
        for (long done = 0; done < share;)
        {
            run.Stopping.ThrowIfCancellationRequested(); // the engine stops waiting for the phase at its limit; lanes stop here
            var count = Math.Min(spec.Granularity, share - done);
            var start = Stopwatch.GetTimestamp();
            run.Sink.Sent();
            ComputeReply reply;
            try
            {
                reply = await call(index, new ComputeRequest(first + done, count, payload));
            }
            catch (Exception e) when (!run.Stopping.IsCancellationRequested && retries < MaxRetries)
            {
                // A chunk holds no state between messages, so a worker whose silo was lost starts again on a
                // survivor and the chunk is sent again: the run recovers and its answer is still checked.
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
