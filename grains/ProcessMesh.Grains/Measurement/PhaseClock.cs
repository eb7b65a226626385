using System.Diagnostics;

namespace ProcessMesh.Grains.Measurement;

/// <summary>Wall time and this process's CPU time over one measured phase.</summary>
public readonly struct PhaseClock
{
    private readonly long _startTimestamp;
    private readonly TimeSpan _startCpu;

    private PhaseClock(long startTimestamp, TimeSpan startCpu)
    {
        _startTimestamp = startTimestamp;
        _startCpu = startCpu;
    }

    /// <summary>Starts timing now.</summary>
    public static PhaseClock Start()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        return new PhaseClock(Stopwatch.GetTimestamp(), cpu);
    }

    /// <summary>Wall and CPU seconds since <see cref="Start"/>.</summary>
    public (double WallSeconds, double CpuSeconds) Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - _startCpu).TotalSeconds;
        return (wall, cpu);
    }
}
