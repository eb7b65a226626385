using System.Diagnostics;
using ProcessMesh.Grains.Engines.SharedMemory;

namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// The shared-memory side of the token rings (<c>ring</c>, <c>threadring</c>): one slot the token's payload is
/// copied into and one wait handle a thread; thread 0 starts the token, each thread takes it when its handle is
/// released and passes it to the next, and the delivery that makes the run's work ends it. Latency is per hop:
/// the mean of each lap, timed at thread 0, as the process side times it.
/// </summary>
public abstract class TokenRingThreads(SharedMemoryRun run, long bytesPerHop) : ISharedMemoryWorkload
{
    private readonly SemaphoreSlim[] _turns = Enumerable.Range(0, run.Spec.Workers).Select(_ => new SemaphoreSlim(0)).ToArray();
    private readonly byte[] _slot = new byte[run.Spec.PayloadBytes];
    private volatile bool _finished;

    /// <summary>Deliveries of the token so far (only its holder changes it).</summary>
    protected long Delivered { get; private set; }

    /// <summary>The thread that took the last delivery; -1 until then.</summary>
    protected int Last { get; private set; } = -1;

    /// <inheritdoc />
    public void Run(int index)
    {
        var workers = run.Spec.Workers;
        var lapStart = Stopwatch.GetTimestamp();
        if (index == 0)
        {
            Pass(1 % workers);
        }

        while (true)
        {
            run.WithoutLock(() => _turns[index].Wait(run.Cancelled));
            if (_finished)
            {
                return;
            }

            run.Gil.Checkpoint();
            Take(index);
            if (index == 0)
            {
                var now = Stopwatch.GetTimestamp();
                run.Sink.RecordTicks((now - lapStart) / workers);
                lapStart = now;
            }

            run.Sink.Count(1, bytesPerHop);
            if (++Delivered == run.Spec.Work)
            {
                Last = index;
                Abandon();
                return;
            }

            Pass((index + 1) % workers);
        }
    }

    /// <summary>What thread <paramref name="index"/> does with the token it holds.</summary>
    protected abstract void Take(int index);

    /// <inheritdoc />
    public abstract ulong Answer();

    /// <summary>The last delivery, or a failure: wakes every thread so that none is left waiting for a token.</summary>
    public void Abandon()
    {
        _finished = true;
        foreach (var turn in _turns)
        {
            turn.Release();
        }
    }

    private void Pass(int to)
    {
        run.Payload.CopyTo(_slot, 0);
        _turns[to].Release();
    }
}
