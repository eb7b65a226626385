using ProcessMesh.Contracts;

namespace ProcessMesh.Load;

/// <summary>
/// When each call of an open-loop drive is due: the rate climbs linearly from zero over the ramp, then holds.
/// Call <c>i</c> is due when the rate's integral reaches <c>i</c>: at t²·r/(2·ramp) during the ramp, then
/// linearly. Pure arithmetic, apart from the pacer that sleeps to it, so long gaps can be checked without waiting.
/// </summary>
public readonly struct LoadSchedule(double rate, TimeSpan ramp, TimeSpan duration)
{
    private readonly double _ramp = ramp.TotalSeconds;
    private readonly double _rampCalls = rate * ramp.TotalSeconds / 2;
    private readonly double _duration = duration.TotalSeconds;

    /// <summary>The schedule of <paramref name="spec"/>'s drives.</summary>
    public LoadSchedule(LoadSpec spec)
        : this(spec.Rate, spec.Ramp, spec.Duration)
    {
    }

    /// <summary>
    /// The offset from the drive's start, in ticks at <paramref name="frequency"/> a second, at which call
    /// <paramref name="call"/> is due; false once it would fall at or after the drive's end.
    /// </summary>
    public bool TryDue(long call, long frequency, out long ticks)
    {
        var seconds = call < _rampCalls ? Math.Sqrt(2 * _ramp * call / rate) : _ramp + ((call - _rampCalls) / rate);
        ticks = seconds < _duration ? (long)(seconds * frequency) : 0;
        return seconds < _duration;
    }
}
