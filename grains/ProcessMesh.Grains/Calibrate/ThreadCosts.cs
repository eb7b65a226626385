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
    /// A ping-pong between two threads for <paramref name="seconds"/>: each round, the payload copied into a shared
    /// slot and a <see cref="SemaphoreSlim"/> released, then the reply awaited. One way is half the median round
    /// trip (as the worker's ipc-bench reports it); each side's receive CPU is read around its waits, and the rest of
    /// its CPU is its sending.
    /// </summary>
    private static MessageCalibration HandOff(int size, double seconds)
    {
        var payload = new byte[size];
        var slot = new byte[size];
        using var ping = new SemaphoreSlim(0);
        using var pong = new SemaphoreSlim(0);
        var stop = false;
        double partnerCpu = 0, partnerReceive = 0;
        long partnerMessages = 0;
        var partner = new System.Threading.Thread(() =>
        {
            var cpu0 = ThreadCpuClock.Seconds();
            double receive = 0;
            long received = 0;
            while (true)
            {
                var before = ThreadCpuClock.Seconds();
                ping.Wait();
                receive += ThreadCpuClock.Seconds() - before;
                if (Volatile.Read(ref stop))
                {
                    break;
                }

                received++;
                payload.CopyTo(slot, 0);
                pong.Release();
            }

            partnerCpu = ThreadCpuClock.Seconds() - cpu0;
            partnerReceive = receive;
            partnerMessages = 2 * received;
        }) { IsBackground = true, Name = "calibrate hand-off" };
        partner.Start();

        for (var r = 0; r < 100; r++)
        {
            payload.CopyTo(slot, 0);
            ping.Release();
            pong.Wait();
        }

        var cpuStart = ThreadCpuClock.Seconds();
        double receiveCpu = 0;
        var times = new List<long>(1024);
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long now;
        do
        {
            var began = Stopwatch.GetTimestamp();
            payload.CopyTo(slot, 0);
            ping.Release();
            var before = ThreadCpuClock.Seconds();
            pong.Wait();
            receiveCpu += ThreadCpuClock.Seconds() - before;
            now = Stopwatch.GetTimestamp();
            times.Add(now - began);
        }
        while (now < deadline);

        var cpu = ThreadCpuClock.Seconds() - cpuStart;
        long roundTrips = times.Count;
        times.Sort();
        Volatile.Write(ref stop, true);
        ping.Release();
        partner.Join();
        var messages = 2 * roundTrips;
        // The partner's clock also ran through the warm-up: its figures are per message it took part in.
        return new MessageCalibration
        {
            Between = MessageCalibration.BetweenThreads,
            Kind = Emulation.DotNet,
            Ipc = "handoff",
            PayloadBytes = size,
            OneWayMicros = Stopwatch.GetElapsedTime(0, times[times.Count / 2]).TotalMicroseconds / 2,
            SenderCpuMicros = (Math.Max(0, cpu - receiveCpu) / messages + Math.Max(0, partnerCpu - partnerReceive) / partnerMessages) * 1e6,
            ReceiverCpuMicros = (receiveCpu / messages + partnerReceive / partnerMessages) * 1e6,
        };
    }
}
