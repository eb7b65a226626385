using System.Diagnostics;
using ProcessMesh.Load;

namespace ProcessMesh.Tests.Load;

/// <summary>The open loop's schedule and the pacer's sleep requests, as arithmetic: long gaps without waiting for them.</summary>
public sealed class PacingTests
{
    private const long Linux = 1_000_000_000; // Stopwatch ticks a second on Linux
    private const long Windows = 10_000_000;

    [Theory]
    [InlineData(Linux)]
    [InlineData(Windows)]
    public void A_sleep_request_beyond_nine_seconds_stays_whole_seconds_and_a_remainder(long frequency)
    {
        // At 10⁹ ticks a second, ticks × 10⁹ overflows past about 9.2 s: nanosleep got a negative request and the pacer spun.
        foreach (var seconds in new[] { 0.000_001, 0.5, 9.2, 9.3, 10.954_451_150, 60, 3600, 86_400 })
        {
            var ticks = (long)(seconds * frequency);
            var (whole, nanoseconds) = PreciseSleep.SleepRequest(ticks, frequency);
            Assert.InRange(nanoseconds, 0, 999_999_999);
            Assert.Equal((long)seconds, whole);
            Assert.Equal(ticks * 1e9 / frequency, (whole * 1e9) + nanoseconds, 0);
        }
    }

    [Fact]
    public void A_one_call_a_second_ramp_over_a_minute_leaves_gaps_over_ten_seconds_that_the_pacer_can_sleep()
    {
        // load --rate 1 --ramp 60s --duration 70s: the rate's integral t²/120 reaches call 1 at √120 ≈ 10.95 s.
        var schedule = new LoadSchedule(1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(70));
        var due = new List<long>();
        for (long i = 0; schedule.TryDue(i, Linux, out var ticks); i++)
        {
            due.Add(ticks);
        }

        // 30 calls in the ramp (its integral is 60 × 1 / 2), then one a second from 60 s to 69 s.
        Assert.Equal(40, due.Count);
        Assert.Equal(0, due[0]);
        Assert.Equal(Math.Sqrt(120), due[1] / (double)Linux, 6);
        Assert.Equal(60.0, due[30] / (double)Linux, 6);
        Assert.Equal(69.0, due[^1] / (double)Linux, 6);
        var gaps = due.Zip(due.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.True(gap > 0, $"a gap of {gap} ticks"));
        Assert.Contains(gaps, gap => gap > 10 * Linux);
        foreach (var gap in gaps)
        {
            var (seconds, nanoseconds) = PreciseSleep.SleepRequest(gap, Linux);
            Assert.True(seconds >= 0 && nanoseconds is >= 0 and < 1_000_000_000, $"a {gap}-tick gap asked nanosleep for {seconds} s {nanoseconds} ns");
            Assert.Equal(gap, (seconds * Linux) + nanoseconds);
        }
    }

    [Fact]
    public void The_schedule_holds_the_rate_after_the_ramp_and_ends_before_the_duration()
    {
        var schedule = new LoadSchedule(1000, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600));
        long calls = 0;
        var last = -1L;
        for (; schedule.TryDue(calls, Stopwatch.Frequency, out var ticks); calls++)
        {
            Assert.True(ticks > last, $"call {calls} due at {ticks} ticks, not after {last}");
            last = ticks;
        }

        // 1000/s for 0.6 s with a 0.2 s ramp from zero: 0.1 s × 1000 + 0.4 s × 1000.
        Assert.Equal(500, calls);
        Assert.True(last < 0.6 * Stopwatch.Frequency);
    }
}
