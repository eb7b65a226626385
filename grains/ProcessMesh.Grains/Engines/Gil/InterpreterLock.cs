using System.Diagnostics;

namespace ProcessMesh.Grains.Engines.Gil;

/// <summary>
/// An interpreter lock after CPython's (3.2 and later, <c>Python/ceval_gil.c</c>): one holder at a time, known by
/// its thread. A release wakes one waiter, never all of them. Only the holder drops the lock on request: once
/// it has held the lock for the switch interval while another thread waits, its next <see cref="Checkpoint"/>
/// hands the lock over and (as CPython's forced switching does) does not take it back before another thread has
/// had it, then queues behind the waiters already there. So a thousand threads cost what CPython's do: the
/// holder's checkpoints are two reads, and each hand-over wakes one thread.
/// </summary>
public sealed class InterpreterLock(double switchIntervalMs) : IInterpreterLock
{
    private readonly object _gate = new(); // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private readonly long _switchTicks = Math.Max(1, (long)(switchIntervalMs * Stopwatch.Frequency / 1000));
    private System.Threading.Thread? _owner;
    private int _waiting;
    private long _switches;
    private long _heldSince;

    /// <summary>How many times the lock changed hands because a switch interval ran out.</summary>
    public long ForcedSwitches { get; private set; }

    /// <summary>How many times the lock changed hands in all.</summary>
    public long Switches => Interlocked.Read(ref _switches);

    /// <inheritdoc />
    public bool IsHeld => ReferenceEquals(Volatile.Read(ref _owner), System.Threading.Thread.CurrentThread);

    /// <inheritdoc />
    public void Acquire() => Take(after: -1);

    /// <inheritdoc />
    public void Release()
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_owner, System.Threading.Thread.CurrentThread))
            {
                throw new SynchronizationLockException(
                    $"thread '{System.Threading.Thread.CurrentThread.Name}' released the interpreter lock, which {(_owner is null ? "nobody" : $"'{_owner.Name}'")} holds");
            }

            Volatile.Write(ref _owner, null);
            if (_waiting > 0)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <inheritdoc />
    public void Checkpoint()
    {
        if (Volatile.Read(ref _waiting) == 0 || Stopwatch.GetTimestamp() - _heldSince < _switchTicks)
        {
            return;
        }

        long handedOver;
        lock (_gate)
        {
            if (_waiting == 0)
            {
                return;
            }

            ForcedSwitches++;
            handedOver = _switches;
        }

        Release();
        Take(after: handedOver);
    }

    /// <summary>
    /// Waits until the lock is free and takes it. With <paramref name="after"/> ≥ 0 (a forced switch), also waits
    /// until another thread has held it since, unless no one else wants it any more.
    /// </summary>
    private void Take(long after)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_owner, System.Threading.Thread.CurrentThread))
            {
                throw new SynchronizationLockException($"thread '{System.Threading.Thread.CurrentThread.Name}' took the interpreter lock it already holds");
            }

            _waiting++;
            try
            {
                while (_owner is not null || (after >= 0 && _switches == after && _waiting > 1))
                {
                    if (_owner is null)
                    {
                        Monitor.Pulse(_gate); // a wake-up this thread may not use yet goes to the next waiter
                    }

                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                _waiting--;
            }

            Volatile.Write(ref _owner, System.Threading.Thread.CurrentThread);
            Interlocked.Increment(ref _switches);
            _heldSince = Stopwatch.GetTimestamp();
        }
    }
}
