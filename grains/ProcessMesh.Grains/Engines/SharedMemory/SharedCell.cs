using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>One 64-bit cell of the pool's shared memory, updated under the run's <see cref="SyncPrimitive"/>.</summary>
public abstract class SharedCell
{
    /// <summary>The cell's storage; subclasses update it.</summary>
    protected long _value;

    /// <summary>The current value.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Adds <paramref name="delta"/>.</summary>
    public abstract void Add(long delta);

    /// <summary>A cell guarded by <paramref name="sync"/>.</summary>
    public static SharedCell Create(SyncPrimitive sync) => sync switch
    {
        SyncPrimitive.Lock => new LockedCell(),
        SyncPrimitive.Interlocked => new InterlockedCell(),
        SyncPrimitive.Spin => new SpinCell(),
        SyncPrimitive.None => new UnguardedCell(),
        _ => throw new ArgumentOutOfRangeException(nameof(sync), sync, "unknown primitive"),
    };

    private sealed class LockedCell : SharedCell
    {
        private readonly Lock _gate = new();

        public override void Add(long delta)
        {
            lock (_gate)
            {
                _value += delta;
            }
        }
    }

    private sealed class InterlockedCell : SharedCell
    {
        public override void Add(long delta) => Interlocked.Add(ref _value, delta);
    }

    private sealed class SpinCell : SharedCell
    {
        private SpinLock _gate = new(enableThreadOwnerTracking: false);

        public override void Add(long delta)
        {
            var taken = false;
            try
            {
                _gate.Enter(ref taken);
                _value += delta;
            }
            finally
            {
                if (taken)
                {
                    _gate.Exit(useMemoryBarrier: false);
                }
            }
        }
    }

    /// <summary>A read, then a write: another thread's update between the two is lost, as in <c>counter += 1</c>.</summary>
    private sealed class UnguardedCell : SharedCell
    {
        public override void Add(long delta) => Volatile.Write(ref _value, Volatile.Read(ref _value) + delta);
    }
}
