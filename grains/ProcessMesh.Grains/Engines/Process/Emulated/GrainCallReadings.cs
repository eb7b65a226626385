using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// A silo's most recent grain-call probes (<see cref="ProcessCosts.ProbeGrainCallAsync"/>), one per emulated run, and
/// what a run takes off its messages: the median of their latencies and the least of their CPU figures. One probe lasts
/// a few milliseconds, and the moment it falls in swings it: on the loaded 2-core machine 1.3 to 16 µs one way between
/// runs of one bench (what the run before leaves on the silo: its os workers exiting, its burns) while the calls
/// inside the runs took about 2.5 µs. A median of the recent latencies follows a lasting change within a few runs and
/// is not moved by one busy probe. The CPU is read from the process's clock, which also counts whatever else the silo
/// does meanwhile (thread-pool threads spinning between one pair's calls, a previous run's leftovers): nothing makes
/// a reading too low, so the least is the call's own. Their median swung from 2.2 to 18.8 µs between runs, and with it
/// what a message of 16 crowded workers burns (its calibrated 11 µs less that): 8 pairs ran 30 k to 168 k round trips/s
/// against the real processes' 65–74 k; a saturated bare Orleans loop here spends about 2.2 µs a call.
/// </summary>
internal sealed class GrainCallReadings
{
    /// <summary>How many recent probes a silo keeps.</summary>
    public const int Kept = 9;

    private readonly Lock _gate = new();
    private readonly Queue<(double OneWayMicros, double CpuMicros)> _recent = new();

    /// <summary>Adds <paramref name="probe"/> (dropping the oldest beyond <see cref="Kept"/>); the recent probes' median latency and least CPU, this one included.</summary>
    public (double OneWayMicros, double CpuMicros) Add((double OneWayMicros, double CpuMicros) probe)
    {
        lock (_gate)
        {
            _recent.Enqueue(probe);
            while (_recent.Count > Kept)
            {
                _recent.Dequeue();
            }

            return (Rounds.Median([.. _recent.Select(p => p.OneWayMicros)]), _recent.Min(p => p.CpuMicros));
        }
    }

    /// <summary>How many probes the median is taken over now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _recent.Count;
            }
        }
    }
}
