using System.Diagnostics;
using ProcessMesh.Grains.Engines.SharedMemory;

namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// The shared-memory side of the split compute workloads (<c>cpu</c>, <c>trapezoid</c>): each thread computes its
/// share a chunk at a time and adds each chunk's sum into shared memory. Interpreted code (the default) offers the
/// interpreter lock between units; native code (<c>--native</c>) releases it for the whole chunk, as a C
/// extension does. <paramref name="range"/> sums units first .. first+count-1.
/// </summary>
public sealed class ComputeThreads(SharedMemoryRun run, Func<long, long, ulong> range) : ISharedMemoryWorkload
{
    /// <inheritdoc />
    public void Run(int index)
    {
        var spec = run.Spec;
        var first = run.FirstUnit + WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        for (long done = 0; done < share; done += spec.Granularity)
        {
            run.Cancelled.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            var (from, count) = (first + done, Math.Min(spec.Granularity, share - done));
            ulong sum = 0;
            if (spec.Native)
            {
                sum = run.WithoutLock(() => range(from, count));
            }
            else
            {
                for (var k = from; k < from + count; k++)
                {
                    run.Gil.Checkpoint();
                    sum = unchecked(sum + range(k, 1));
                }
            }

            run.Shared.Add(unchecked((long)sum));
            run.Sink.Record(start);
        }
    }

    /// <inheritdoc />
    public ulong Answer() => (ulong)run.Shared.Value;
}
