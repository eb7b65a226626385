using System.Diagnostics;

namespace ProcessMesh.Grains.Measurement;

/// <summary>Wall time and this process's CPU time over one measured phase.</summary>
public readonly struct PhaseClock
{
    private readonly long _startTimestamp;
    private readonly double _startCpuSeconds;

    private PhaseClock(long startTimestamp, double startCpuSeconds)
    {
        _startTimestamp = startTimestamp;
        _startCpuSeconds = startCpuSeconds;
    }

    /// <summary>Starts timing now.</summary>
    public static PhaseClock Start() => new(Stopwatch.GetTimestamp(), ProcessCpuSeconds());

    /// <summary>The CPU seconds this process has used so far (every clock, probe and caller reads its CPU here).</summary>
    public static double ProcessCpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Wall and CPU seconds since <see cref="Start"/>.</summary>
    public (double WallSeconds, double CpuSeconds) Stop() =>
        (Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds, ProcessCpuSeconds() - _startCpuSeconds);
}
