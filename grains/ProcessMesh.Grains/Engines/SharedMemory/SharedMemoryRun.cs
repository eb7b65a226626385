using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>
/// What a workload's shared-memory protocol is given: the spec, the interpreter lock (a no-op for the
/// <c>thread</c> model), the shared counter cell under the run's primitive, the sink that every thread records
/// into, and the token that ends every wait when the run fails or passes its time limit.
/// </summary>
public sealed class SharedMemoryRun(RunSpec spec, IInterpreterLock gil, RunSink sink, CancellationToken cancelled, long firstUnit = 0)
{
    /// <summary>The index of this pool's first unit: 0, unless the pool runs one share of a larger run (<c>hybrid</c>).</summary>
    public long FirstUnit => firstUnit;

    /// <summary>The resolved spec.</summary>
    public RunSpec Spec => spec;

    /// <summary>The lock a thread holds while it computes.</summary>
    public IInterpreterLock Gil => gil;

    /// <summary>Where threads record latencies and hand-offs.</summary>
    public RunSink Sink => sink;

    /// <summary>Cancelled when the run must end: every wait takes it.</summary>
    public CancellationToken Cancelled => cancelled;

    /// <summary>One 64-bit cell of shared memory under the run's primitive.</summary>
    public SharedCell Shared { get; } = SharedCell.Create(spec.Sync);

    /// <summary>The payload every hand-off carries.</summary>
    public byte[] Payload { get; } = new byte[spec.PayloadBytes];

    /// <summary>
    /// Runs a blocking call without the interpreter lock, as CPython releases it around blocking I/O, waits and
    /// native code, and takes it back afterwards (also when the call throws).
    /// </summary>
    public void WithoutLock(Action call)
    {
        gil.Release();
        try
        {
            call();
        }
        finally
        {
            gil.Acquire();
        }
    }

    /// <summary>As <see cref="WithoutLock(Action)"/>, with a result.</summary>
    public T WithoutLock<T>(Func<T> call)
    {
        gil.Release();
        try
        {
            return call();
        }
        finally
        {
            gil.Acquire();
        }
    }
}
