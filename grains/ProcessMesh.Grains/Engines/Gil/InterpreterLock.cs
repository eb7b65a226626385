using System.Diagnostics;
using ProcessMesh.Grains.Engines.SharedMemory;

namespace ProcessMesh.Grains.Engines.Gil;

/// <summary>
/// An interpreter lock after CPython's (3.2 and later, <c>Python/ceval_gil.c</c>): one holder at a time, known by
/// its thread; only the holder may release it. A release hands the lock straight to the thread that has waited
/// longest and wakes that one thread only, so a thousand threads cost what CPython's do rather than a
/// stampede per release. Only the holder drops the lock on request: once it has held it for the switch interval
/// while another thread waits, its next <see cref="Checkpoint"/> hands the lock over and queues behind the
/// threads already waiting (CPython's forced switching: the holder cannot take it straight back). A lone holder's
/// checkpoint is one read.
/// </summary>
public sealed class InterpreterLock(double switchIntervalMs) : IInterpreterLock
{
    [ThreadStatic]
    private static Waiter? t_waiter;

    private readonly Lock _queueGate = new();
    private readonly Queue<Waiter> _queue = new();
    private readonly long _switchTicks = Math.Max(1, (long)(switchIntervalMs * Stopwatch.Frequency / 1000));
    private System.Threading.Thread? _owner;
    private int _waiting;
    private long _heldSince;
    private long _forcedSwitches;

    /// <summary>How many times the lock changed hands because a switch interval ran out.</summary>
    public long ForcedSwitches => Interlocked.Read(ref _forcedSwitches);

    /// <inheritdoc />
    public bool IsHeld => ReferenceEquals(Volatile.Read(ref _owner), System.Threading.Thread.CurrentThread);

    /// <inheritdoc />
    public void Acquire()
    {
        var me = System.Threading.Thread.CurrentThread;
        if (IsHeld)
        {
            throw new SynchronizationLockException($"thread '{me.Name}' took the interpreter lock it already holds");
        }

        // Uncontended: take it without queueing. With anyone queued, queue behind them (first come, first served).
        if (Volatile.Read(ref _waiting) == 0 && Interlocked.CompareExchange(ref _owner, me, null) is null)
        {
            _heldSince = Stopwatch.GetTimestamp();
            return;
        }

        var waiter = t_waiter ??= new Waiter();
        lock (_queueGate)
        {
            if (_queue.Count == 0 && Interlocked.CompareExchange(ref _owner, me, null) is null)
            {
                _heldSince = Stopwatch.GetTimestamp();
                return;
            }

            waiter.Granted = false;
            _queue.Enqueue(waiter);
            Volatile.Write(ref _waiting, _queue.Count);
        }

        waiter.WaitUntilGranted(); // the releaser made this thread the owner before waking it
        _heldSince = Stopwatch.GetTimestamp();
    }

    /// <inheritdoc />
    public void Release()
    {
        var me = System.Threading.Thread.CurrentThread;
        lock (_queueGate)
        {
            var owner = Volatile.Read(ref _owner);
            if (!ReferenceEquals(owner, me))
            {
                throw new SynchronizationLockException(
                    $"thread '{me.Name}' released the interpreter lock, which {(owner is null ? "nobody" : $"'{owner.Name}'")} holds");
            }

            if (_queue.TryDequeue(out var next))
            {
                Volatile.Write(ref _waiting, _queue.Count);
                Volatile.Write(ref _owner, next.Thread);
                next.Grant();
            }
            else
            {
                Volatile.Write(ref _owner, null);
            }
        }
    }

    /// <summary>Called between compute steps: hands the lock over once the switch interval is up and a thread waits; does nothing for a thread that does not hold it.</summary>
    public void Checkpoint()
    {
        if (Volatile.Read(ref _waiting) == 0 || Stopwatch.GetTimestamp() - _heldSince < _switchTicks || !IsHeld)
        {
            return; // nobody waits, the interval is not up, or the caller runs without the lock (native code)
        }

        Interlocked.Increment(ref _forcedSwitches);
        Release();
        Acquire();
    }

    /// <summary>A thread's place in the queue: woken once, by the release that made it the owner.</summary>
    private sealed class Waiter
    {
        public readonly System.Threading.Thread Thread = System.Threading.Thread.CurrentThread;
        public bool Granted;

        public void Grant()
        {
            lock (this)
            {
                Granted = true;
                Monitor.Pulse(this);
            }
        }

        public void WaitUntilGranted()
        {
            lock (this)
            {
                while (!Granted)
                {
                    Monitor.Wait(this);
                }
            }
        }
    }
}
