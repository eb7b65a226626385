using System.Collections.Concurrent;
using System.Diagnostics;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// Burns CPU: a real spin on the calling thread, so the core is really taken from every other worker, as a real
/// process's syscalls and copies take it. It spins on the wall clock (<see cref="Stopwatch"/>, read without a
/// syscall) and counts only the steps between two readings shorter than <see cref="GapTicks"/>: a longer step is time
/// the thread was off its core, so a spin preempted on a busy machine still burns all of it (as a real process's CPU
/// per message stays the same when it waits for a core). It used to spin on the thread's own CPU clock
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>), a syscall of about 1.6 µs here on each reading, which overshot every burn by
/// one to two readings: 13.4 µs for a leg asked 8.8 µs (docs/emulation.md, "Burned CPU").
/// </summary>
public static class CpuBurn
{
    /// <summary>
    /// The longest step between two readings of the clock that counts as burned, 2 µs: a reading takes tens of
    /// nanoseconds, and a switch away from the core and back takes more than this.
    /// </summary>
    public static readonly long GapTicks = Ticks(2);

    /// <summary>Burns <paramref name="ticks"/> <see cref="Stopwatch"/> ticks of CPU (nothing when zero).</summary>
    public static void For(long ticks) => For(ticks, default(WallClock));

    /// <summary>
    /// Spins reading <paramref name="clock"/> until the steps between its readings shorter than <see cref="GapTicks"/>
    /// sum to <paramref name="ticks"/>; how many times it read the clock.
    /// </summary>
    internal static long For<TClock>(long ticks, TClock clock)
        where TClock : struct, IClock
    {
        if (ticks <= 0)
        {
            return 0;
        }

        var burned = 0L;
        var readings = 1L;
        var last = clock.Now();
        while (burned < ticks)
        {
            var now = clock.Now();
            readings++;
            if (now - last < GapTicks)
            {
                burned += now - last;
            }

            last = now;
        }

        return readings;
    }

    /// <summary>A clock the burn spins on, in <see cref="Stopwatch"/> ticks.</summary>
    internal interface IClock
    {
        /// <summary>Now, in <see cref="Stopwatch"/> ticks.</summary>
        long Now();
    }

    private readonly struct WallClock : IClock
    {
        public long Now() => Stopwatch.GetTimestamp();
    }

    /// <summary>Burns waiting their turn on the dedicated burning threads.</summary>
    private static readonly BlockingCollection<(long Ticks, TaskCompletionSource Done)> _elsewhere = [];

    private static readonly Lazy<bool> _burners = new(() =>
    {
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            new System.Threading.Thread(Serve) { IsBackground = true, Name = $"processmesh-burn-{i}" }.Start();
        }

        return true;
    });

    /// <summary>
    /// Burns <paramref name="ticks"/> of CPU on one of a few dedicated OS threads (one per core), not on the caller's:
    /// what a process's start burns runs in the new process, which the OS time-slices with the silo's own threads.
    /// Burned in a grain turn it would hold a pool thread, and a thousand starts would starve the silo's scheduler
    /// (its membership probes and its answers to the client) for minutes.
    /// </summary>
    public static Task ElsewhereAsync(long ticks)
    {
        if (ticks <= 0)
        {
            return Task.CompletedTask;
        }

        _ = _burners.Value;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _elsewhere.Add((ticks, done));
        return done.Task;
    }

    private static void Serve()
    {
        foreach (var (ticks, done) in _elsewhere.GetConsumingEnumerable())
        {
            For(ticks);
            done.SetResult();
        }
    }

    /// <summary><paramref name="micros"/> microseconds in <see cref="Stopwatch"/> ticks.</summary>
    public static long Ticks(double micros) => (long)Math.Round(micros * Stopwatch.Frequency / 1_000_000);
}
