using System.Diagnostics;
using ProcessMesh.Grains.Engines.Thread;

namespace ProcessMesh.Grains.Engines.Gil;

/// <summary>
/// An interpreter lock after CPython's (3.2 and later): one holder at a time; a holder that has run for the
/// switch interval while others wait hands the lock over, and the hand-over is fair (first come, first served,
/// as CPython's forced switching makes it), so the holder cannot simply take it straight back.
/// </summary>
public sealed class InterpreterLock(double switchIntervalMs) : IInterpreterLock
{
    private readonly object _gate = new(); // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private readonly long _switchTicks = (long)(switchIntervalMs * Stopwatch.Frequency / 1000);
    private long _nextTicket;
    private long _serving;
    private int _waiting;
    private long _heldSince;

    /// <summary>How many times the lock changed hands because a switch interval ran out.</summary>
    public long ForcedSwitches { get; private set; }

    /// <inheritdoc />
    public void Acquire()
    {
        lock (_gate)
        {
            var ticket = _nextTicket++;
            _waiting++;
            while (ticket != _serving)
            {
                Monitor.Wait(_gate);
            }

            _waiting--;
        }

        _heldSince = Stopwatch.GetTimestamp();
    }

    /// <inheritdoc />
    public void Release()
    {
        lock (_gate)
        {
            _serving++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <inheritdoc />
    public void Checkpoint()
    {
        if (Volatile.Read(ref _waiting) > 0 && Stopwatch.GetTimestamp() - _heldSince >= _switchTicks)
        {
            ForcedSwitches++;
            Release();
            Acquire();
        }
    }
}
