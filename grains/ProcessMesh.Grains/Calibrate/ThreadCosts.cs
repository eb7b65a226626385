using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Os;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// What a thread costs, measured with real threads: in this .NET process (start, a parked thread's resident cost,
/// a hand-off through a pair of <see cref="SemaphoreSlim"/>s) and in CPython (the same through <c>queue.Queue</c>,
/// by calibrate.py). A hand-off copies the payload into a shared slot and wakes the other thread, as the thread
/// model's workers do; the CPU each side burns is read from the threads' own CPU clocks.
/// </summary>
internal static class ThreadCosts
{
    /// <summary>.NET threads: their cost and their hand-offs at <paramref name="plan"/>'s sizes.</summary>
    public static async Task<(ThreadCalibration Thread, IReadOnlyList<MessageCalibration> HandOffs)> DotNetAsync(CalibrationPlan plan, CancellationToken cancellationToken)
    {
        var starts = new List<double>();
        for (var i = 0; i < plan.ThreadStarts; i++)
        {
            long began = 0;
            var thread = new System.Threading.Thread(() => began = Stopwatch.GetTimestamp()) { IsBackground = true };
            var before = Stopwatch.GetTimestamp();
            thread.Start();
            thread.Join();
            starts.Add(Stopwatch.GetElapsedTime(before, began).TotalMicroseconds);
        }

        var resident = Parked(plan.ParkedThreads);
        var handOffs = new List<MessageCalibration>();
        foreach (var size in plan.Sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Off the caller's thread (a grain's scheduler): the two threads block, and the clock runs for seconds.
            handOffs.Add(await Task.Factory.StartNew(() => HandOff(size, plan.MessageSeconds), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }

        return (new ThreadCalibration { Kind = Emulation.DotNet, StartMicros = Rounds.Median(starts), ResidentBytes = resident }, handOffs);
    }

    /// <summary>CPython threads, by calibrate.py in a python3 process of their own; the CPython version too.</summary>
    public static async Task<(ThreadCalibration Thread, IReadOnlyList<MessageCalibration> HandOffs, string Python)> PythonAsync(
        ProcessKind python, CalibrationPlan plan, CancellationToken cancellationToken)
    {
        const string Name = "python calibrate.py threads";
        using var child = ChildProcess.Start(python.Start(
        [
            "threads", "--sizes", string.Join(',', plan.Sizes), "--seconds", plan.MessageSeconds.ToString(CultureInfo.InvariantCulture),
            "--starts", plan.ThreadStarts.ToString(CultureInfo.InvariantCulture), "--parked", plan.ParkedThreads.ToString(CultureInfo.InvariantCulture),
        ]), Name);
        var timeout = TimeSpan.FromSeconds(plan.MessageSeconds + 30);
        var first = await child.ReadLineAsync("its thread figures", timeout, cancellationToken);
        ThreadCalibration thread;
        string version;
        try
        {
            using var json = JsonDocument.Parse(first);
            version = json.RootElement.GetProperty("python").GetString() ?? "";
            thread = new ThreadCalibration
            {
                Kind = Emulation.Python,
                StartMicros = json.RootElement.GetProperty("startMicros").GetDouble(),
                ResidentBytes = json.RootElement.GetProperty("residentBytes").GetInt64(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException)
        {
            throw new InvalidOperationException($"{Name} printed '{first}', not its figures ({e.Message})", e);
        }

        var handOffs = new List<MessageCalibration>();
        foreach (var size in plan.Sizes)
        {
            var line = await child.ReadLineAsync($"its {size}-byte hand-off", timeout, cancellationToken);
            handOffs.Add(MessageBench.Parse(line, MessageCalibration.BetweenThreads, Emulation.Python, Name));
        }

        await child.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return (thread, handOffs, version);
    }

    /// <summary>What each of <paramref name="count"/> threads parked on an event adds to this process's resident set, bytes.</summary>
    private static long Parked(int count)
    {
        using var running = new CountdownEvent(count);
        using var release = new ManualResetEvent(false);
        var before = ProcMemory.ResidentBytes(Environment.ProcessId);
        var threads = new List<System.Threading.Thread>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var thread = new System.Threading.Thread(() =>
                {
                    running.Signal();
                    release.WaitOne();
                }) { IsBackground = true };
                thread.Start();
                threads.Add(thread);
            }

            running.Wait();
            return Math.Max(0, ProcMemory.ResidentBytes(Environment.ProcessId) - before) / count;
        }
        finally
        {
            release.Set();
            foreach (var thread in threads)
            {
                thread.Join();
            }
        }
    }

    /// <summary>
    /// A ping-pong between two threads, by the rule of the worker's <c>ipc-bench</c> (<see cref="Rounds"/>, since
    /// calibration format 7): each round trip copies the payload into a shared slot and releases a
    /// <see cref="SemaphoreSlim"/>, then awaits the reply. After 100 round trips of warm-up, <paramref name="seconds"/>
    /// are cut into <see cref="Rounds.Count"/> rounds timed with <see cref="Stopwatch"/> alone, each thread's CPU clock
    /// read around each round (the partner reads its own when asked); the figures are <see cref="HandOffFigures"/>'.
    /// Then a ping-pong of a quarter of <paramref name="seconds"/> reads each thread's CPU clock around each of its
    /// waits (the receiving; the rest, the sending), each less one clock reading a wait (its cost measured), for the
    /// split only. Before format 7 the clock (a syscall, about 1.6 µs here) was read around every receive of the timed
    /// loop, and one way was half the median round trip, which left out every slow wake-up a real run pays.
    /// </summary>
    private static MessageCalibration HandOff(int size, double seconds)
    {
        const int Bounce = 0, Stats = 1, Timed = 2, Stop = 3;
        var payload = new byte[size];
        var slot = new byte[size];
        using var ping = new SemaphoreSlim(0);
        using var pong = new SemaphoreSlim(0);
        var command = Bounce;
        double partnerCpu = 0, partnerReceiving = 0;
        var partner = new System.Threading.Thread(() =>
        {
            var timing = false;
            double receiving = 0;
            while (true)
            {
                if (timing)
                {
                    var before = ThreadCpuClock.Seconds();
                    ping.Wait();
                    receiving += ThreadCpuClock.Seconds() - before;
                }
                else
                {
                    ping.Wait();
                }

                switch (Volatile.Read(ref command))
                {
                    case Stop:
                        return;
                    case Stats:
                        Volatile.Write(ref partnerCpu, ThreadCpuClock.Seconds());
                        Volatile.Write(ref partnerReceiving, receiving);
                        Volatile.Write(ref command, Bounce);
                        break;
                    case Timed:
                        timing = !timing;
                        Volatile.Write(ref command, Bounce);
                        break;
                    default:
                        payload.CopyTo(slot, 0);
                        break;
                }

                pong.Release();
            }
        }) { IsBackground = true, Name = "calibrate hand-off" };
        partner.Start();

        (double Cpu, double Receiving) Ask(int what)
        {
            Volatile.Write(ref command, what);
            ping.Release();
            pong.Wait();
            return (Volatile.Read(ref partnerCpu), Volatile.Read(ref partnerReceiving));
        }

        List<double> Bounced(double duration)
        {
            var times = new List<double>(1024);
            var deadline = Stopwatch.GetTimestamp() + (long)(duration * Stopwatch.Frequency);
            long now;
            do
            {
                var began = Stopwatch.GetTimestamp();
                payload.CopyTo(slot, 0);
                ping.Release();
                pong.Wait();
                now = Stopwatch.GetTimestamp();
                times.Add(Stopwatch.GetElapsedTime(began, now).TotalMicroseconds);
            }
            while (now < deadline);
            return times;
        }

        try
        {
            for (var r = 0; r < 100; r++)
            {
                payload.CopyTo(slot, 0);
                ping.Release();
                pong.Wait();
            }

            Ask(Stats);
            var rounds = new List<Rounds.Round>(Rounds.Count);
            for (var r = 0; r < Rounds.Count; r++)
            {
                var self = ThreadCpuClock.Seconds();
                var (other, _) = Ask(Stats);
                var times = Bounced(seconds / Rounds.Count);
                var (otherAfter, _) = Ask(Stats);
                rounds.Add(new Rounds.Round(times, ((ThreadCpuClock.Seconds() - self) + (otherAfter - other)) * 1e6));
            }

            // The split: each thread's clock around each wait, less one reading a wait (the bracket holds the end of one
            // reading and the start of the next; the other reading of each pair falls in the sending).
            var reading = ThreadCpuClock.Seconds();
            for (var i = 0; i < 1000; i++)
            {
                ThreadCpuClock.Seconds();
            }

            reading = (ThreadCpuClock.Seconds() - reading) / 1000;
            Ask(Timed);
            var selfBefore = ThreadCpuClock.Seconds();
            var (partnerBefore, partnerReceivingBefore) = Ask(Stats);
            double receiving = 0;
            long waits = 0;
            var end = Stopwatch.GetTimestamp() + (long)(seconds / 4 * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end)
            {
                payload.CopyTo(slot, 0);
                ping.Release();
                var before = ThreadCpuClock.Seconds();
                pong.Wait();
                receiving += ThreadCpuClock.Seconds() - before;
                waits++;
            }

            var (partnerAfter, partnerReceivingAfter) = Ask(Stats);
            var both = (ThreadCpuClock.Seconds() - selfBefore) + (partnerAfter - partnerBefore);
            receiving += partnerReceivingAfter - partnerReceivingBefore;
            Ask(Timed);
            var readings = 2 * waits * reading;
            var (oneWay, sender, receiver) = HandOffFigures(rounds, Math.Max(0, both - receiving - readings) * 1e6, Math.Max(0, receiving - readings) * 1e6);
            return new MessageCalibration
            {
                Between = MessageCalibration.BetweenThreads,
                Kind = Emulation.DotNet,
                Ipc = "handoff",
                PayloadBytes = size,
                OneWayMicros = Math.Round(oneWay, 3),
                SenderCpuMicros = Math.Round(sender, 3),
                ReceiverCpuMicros = Math.Round(receiver, 3),
            };
        }
        finally
        {
            Volatile.Write(ref command, Stop);
            ping.Release();
            partner.Join();
        }
    }

    /// <summary>
    /// A hand-off's figures from its rounds (each: its round trips' times and both threads' CPU over it, microseconds)
    /// by <see cref="Rounds.Of"/>: one way, the median over rounds of half each round's mean round trip; CPU per
    /// message (one send and one receive), the median over rounds of each round's CPU over its round trips, halved;
    /// that CPU split between sending and receiving in the ratio of <paramref name="splitSendingMicros"/> to
    /// <paramref name="splitReceivingMicros"/> (the split ping-pong's; half each when it measured nothing), so the two
    /// add up to it.
    /// </summary>
    internal static (double OneWayMicros, double SenderCpuMicros, double ReceiverCpuMicros) HandOffFigures(
        IReadOnlyList<Rounds.Round> rounds, double splitSendingMicros, double splitReceivingMicros)
    {
        var (oneWay, cpu, _) = Rounds.Of(rounds);
        var total = splitSendingMicros + splitReceivingMicros;
        var share = total > 0 ? splitSendingMicros / total : 0.5;
        return (oneWay, cpu * share, cpu * (1 - share));
    }
}
