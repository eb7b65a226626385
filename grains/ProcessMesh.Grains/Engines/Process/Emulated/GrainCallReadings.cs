using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// A silo's most recent grain-call probes (<see cref="ProcessCosts.ProbeGrainCallAsync"/>), one per emulated run, and
/// what a run takes off its messages: the median of them, latency and CPU each on its own. One probe lasts a few
/// milliseconds, and the moment it falls in swings it: on the loaded 2-core machine 1.3 to 16 µs one way between
/// runs of one bench (what the run before leaves on the silo: its os workers exiting, its burns) while the calls
/// inside the runs took about 2.5 µs. A median of the recent ones follows a lasting change within a few runs and is
/// not moved by one busy probe.
/// </summary>
internal sealed class GrainCallReadings
{
    /// <summary>How many recent probes a silo keeps.</summary>
    public const int Kept = 9;

    private readonly Lock _gate = new();
    private readonly Queue<(double OneWayMicros, double CpuMicros)> _recent = new();

    /// <summary>Adds <paramref name="probe"/> (dropping the oldest beyond <see cref="Kept"/>); the median of the recent probes, this one included.</summary>
    public (double OneWayMicros, double CpuMicros) Add((double OneWayMicros, double CpuMicros) probe)
    {
        lock (_gate)
        {
            _recent.Enqueue(probe);
            while (_recent.Count > Kept)
            {
                _recent.Dequeue();
            }

            return (Rounds.Median([.. _recent.Select(p => p.OneWayMicros)]), Rounds.Median([.. _recent.Select(p => p.CpuMicros)]));
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
