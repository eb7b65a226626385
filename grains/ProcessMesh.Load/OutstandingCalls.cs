namespace ProcessMesh.Load;

/// <summary>
/// The calls of a drive that were issued and have not yet settled, each with the timestamp it was due at. A slot
/// table with a free list: adding and removing a call are O(1) however many are outstanding (the list of tasks it
/// replaces was scanned on every send once 4,096 were in flight), and the calls still outstanding when the drive
/// closes can be listed, to count each as a timeout. Not thread-safe: its owner guards it.
/// </summary>
public sealed class OutstandingCalls
{
    private const long Free = long.MinValue;
    private long[] _due = new long[64];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _used;

    /// <summary>Calls outstanding.</summary>
    public int Count { get; private set; }

    /// <summary>Slots allocated: the most calls that were ever outstanding at once, since slots are reused.</summary>
    public int Slots => _used;

    /// <summary>Adds a call due at <paramref name="dueTimestamp"/>; returns its slot, which <see cref="Remove"/> takes.</summary>
    public int Add(long dueTimestamp)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(dueTimestamp, Free);
        int slot;
        if (_freeCount > 0)
        {
            slot = _free[--_freeCount];
        }
        else
        {
            if (_used == _due.Length)
            {
                Array.Resize(ref _due, _due.Length * 2);
                Array.Resize(ref _free, _due.Length);
            }

            slot = _used++;
        }

        _due[slot] = dueTimestamp;
        Count++;
        return slot;
    }

    /// <summary>Removes the call in <paramref name="slot"/> and returns the timestamp it was due at.</summary>
    public long Remove(int slot)
    {
        if ((uint)slot >= (uint)_used || _due[slot] == Free)
        {
            throw new InvalidOperationException($"call slot {slot} is not outstanding");
        }

        var due = _due[slot];
        _due[slot] = Free;
        _free[_freeCount++] = slot;
        Count--;
        return due;
    }

    /// <summary>The due timestamps of the calls outstanding, in no particular order.</summary>
    public IEnumerable<long> DueTimestamps()
    {
        for (var slot = 0; slot < _used; slot++)
        {
            if (_due[slot] != Free)
            {
                yield return _due[slot];
            }
        }
    }
}
