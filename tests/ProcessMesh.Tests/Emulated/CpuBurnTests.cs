using ProcessMesh.Grains.Engines.Process.Emulated;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// What an emulated message burns and what it takes off for the grain call that carries it (docs/emulation.md,
/// "Burned CPU", "What a grain call already costs"), on a scripted clock and scripted probes: no timing.
/// </summary>
public sealed class CpuBurnTests
{
    [Fact]
    public void A_burn_counts_only_the_steps_the_thread_ran_and_stops_as_soon_as_it_has_burned_what_was_asked()
    {
        // Readings 1 µs apart, but for one step of 50 µs: the thread was off its core there, so it burned nothing.
        var us = CpuBurn.Ticks(1);
        var clock = new ScriptedClock([0, 1, 2, 52, 53, 54, 55, 56, 57], us);

        var readings = CpuBurn.For(CpuBurn.Ticks(5), clock);

        // 1 + 1 (burned), 50 (not), 1 + 1 + 1 (burned): five microseconds burned after six steps, and not one reading more.
        Assert.Equal(7, readings);
        Assert.Equal(7, clock.Script.Read);
    }

    [Fact]
    public void A_burn_of_nothing_reads_no_clock()
    {
        var clock = new ScriptedClock([0, 1], CpuBurn.Ticks(1));

        Assert.Equal(0, CpuBurn.For(0, clock));
        Assert.Equal(0, clock.Script.Read);
    }

    [Fact]
    public void One_busy_probe_among_quiet_ones_does_not_move_what_a_run_takes_off()
    {
        var readings = new GrainCallReadings();
        readings.Add((2.4, 3.0));
        readings.Add((2.6, 3.2));

        // The third run's probe fell in a busy moment (the run before it left the silo busy).
        var taken = readings.Add((16.0, 14.0));

        Assert.Equal((2.6, 3.0), taken);
    }

    [Fact]
    public void The_cpu_taken_off_is_the_least_of_the_recent_probes_since_only_other_work_moves_a_reading()
    {
        var readings = new GrainCallReadings();
        readings.Add((2.4, 2.2));

        // Most probes after it read the spinning and leftovers of a busy silo beside the calls.
        for (var i = 0; i < (GrainCallReadings.Kept / 2) + 1; i++)
        {
            Assert.Equal(2.2, readings.Add((2.5, 18.8)).CpuMicros);
        }
    }

    [Fact]
    public void A_lasting_change_is_followed_once_it_is_most_of_the_recent_probes_and_old_probes_are_dropped()
    {
        var readings = new GrainCallReadings();
        for (var i = 0; i < GrainCallReadings.Kept; i++)
        {
            readings.Add((10.0, 10.0));
        }

        (double OneWay, double Cpu) taken = default;
        for (var i = 0; i < (GrainCallReadings.Kept / 2) + 1; i++)
        {
            taken = readings.Add((2.0, 3.0));
        }

        Assert.Equal((2.0, 3.0), taken);
        Assert.Equal(GrainCallReadings.Kept, readings.Count);
    }

    /// <summary>Readings in microseconds, one after the other; counts how many were taken.</summary>
    private sealed class Script(long[] micros, long ticksPerMicro)
    {
        public int Read { get; private set; }

        public long Next() => micros[Read++] * ticksPerMicro;
    }

    private readonly struct ScriptedClock(long[] micros, long ticksPerMicro) : CpuBurn.IClock
    {
        public Script Script { get; } = new(micros, ticksPerMicro);

        public long Now() => Script.Next();
    }
}
