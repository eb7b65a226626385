using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using HdrHistogram;
using HdrHistogram.Encoding;
using HdrHistogram.Utilities;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Grains.Workloads.Cpu;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Worker.Modes;

/// <summary>
/// <c>mesh --ipc I --dir D --index i --workers n --workload W --work N --granularity g --payload P --memory M
/// [--silo ADDRESS]</c>: one worker of an <c>os</c> model run, talking to the other workers directly over the IPC
/// and to the silo over stdin/stdout (<see cref="MeshProtocol"/>). It runs the same kernels as every other model
/// (the cpu kernel, the work split and the private memory are the grains' own source files).
/// </summary>
internal static class Mesh
{
    public static int Run(Options options)
    {
        var spec = new MeshSpec(
            options.Text("--ipc"), options.Text("--workload"), (int)options.Int64("--index"), (int)options.Int64("--workers"),
            options.Int64("--work"), Math.Max(1, options.Int64("--granularity", 1)), (int)options.Int64("--payload", 0));
        if (!MeshProtocol.Workloads.Contains(spec.Workload))
        {
            throw new UsageException($"--workload: '{spec.Workload}' is not one of {string.Join(", ", MeshProtocol.Workloads)}");
        }

        // The process's private memory, really touched (held until it exits).
        var memory = PrivateMemory.Allocate(options.Int64("--memory", 0));
        using var listener = IpcListener.Open(spec.Ipc, options.Text("--dir"), MeshProtocol.Name(spec.Index));
        var output = Console.Out;
        output.WriteLine($"listen {listener.Address}");
        output.Flush();

        // Compile the whole protocol path now, while the other workers start, not in the measured phase.
        MeshRehearsal.Run(spec);
        var peers = Console.In.ReadLine() is { } line && line.StartsWith("peers ", StringComparison.Ordinal)
            ? line["peers ".Length..].Split(' ')
            : throw new InvalidDataException("mesh: expected 'peers …' on stdin");
        var worker = new MeshWorker(spec, Connect(spec, listener, peers, options.Text("--silo", "")), output);
        output.WriteLine("ready");
        output.Flush();
        if (Console.In.ReadLine() != "go")
        {
            return 0; // the silo gave up before the phase
        }

        var phase = new Thread(worker.Run) { IsBackground = true, Name = "mesh-phase" };
        phase.Start();
        while (Console.In.ReadLine() is { } command)
        {
            if (command == "stop")
            {
                worker.Report("stopped by the silo");
            }
            else if (command == "count")
            {
                worker.Tally();
            }
            else if (command == "jit")
            {
                worker.Jit();
            }
        }

        GC.KeepAlive(memory);
        return 0;
    }

    /// <summary>Opens this worker's links: out to each peer it connects to, in from each that connects to it, at once.</summary>
    private static MeshLinks Connect(MeshSpec spec, IpcListener listener, string[] peers, string silo)
    {
        var (outbound, inbound) = MeshProtocol.Links(spec.Workload, spec.Index, spec.Workers);
        var self = MeshProtocol.Name(spec.Index);
        var accepting = Task.Factory.StartNew(
            () => Enumerable.Range(0, inbound).Select(_ => listener.Accept().Link).ToList(), TaskCreationOptions.LongRunning);
        var links = new MeshLinks
        {
            Out = outbound.Select(p => IpcListener.Connect(spec.Ipc, peers[p], self)).ToList(),
            Silo = spec.Workload == "cpu" ? IpcListener.Connect(spec.Ipc, silo, self) : null,
        };
        links.In = accepting.GetAwaiter().GetResult();
        return links;
    }
}

/// <summary>What a mesh worker was told to run.</summary>
internal sealed record MeshSpec(string Ipc, string Workload, int Index, int Workers, long Work, long Granularity, int PayloadBytes);

/// <summary>A mesh worker's open links.</summary>
internal sealed class MeshLinks
{
    public IReadOnlyList<IFrameLink> Out { get; init; } = [];
    public IReadOnlyList<IFrameLink> In { get; set; } = [];
    public IFrameLink? Silo { get; init; }
}

/// <summary>
/// One worker's part of the measured phase, and what it counts of it; its control lines go to
/// <paramref name="output"/>, its latencies into <paramref name="latency"/> (by default the 3-digit histogram the
/// silo merges).
/// </summary>
internal sealed class MeshWorker(MeshSpec spec, MeshLinks links, TextWriter output, LongConcurrentHistogram? latency = null)
{
    /// <summary>The largest latency recorded, nanoseconds (an hour).</summary>
    public const long HighestNanoseconds = 3_600_000_000_000L;

    private static readonly double _nanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly LongConcurrentHistogram _latency = latency ?? new(1, HighestNanoseconds, 3);
    private readonly TimeSpan _cpuAtGo = Environment.CpuUsage.TotalTime;
    private readonly long _jitMethodsAtReady = JitInfo.GetCompiledMethodCount();
    private readonly TimeSpan _jitTimeAtReady = JitInfo.GetCompilationTime();
    private long _messages, _payloadBytes, _sent, _delivered, _units;
    private ulong _answer;
    private int _reported;
    private string? _failure;

    /// <summary>What ended this worker's part early, once it has (null while it runs or when it completed).</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Runs this worker's part, then reports it (or the failure that ended it).</summary>
    public void Run()
    {
        try
        {
            switch (spec.Workload)
            {
                case "cpu":
                    Cpu();
                    break;
                case "pingpong":
                    PingPong();
                    break;
                case "ring":
                    Ring();
                    break;
                default:
                    Counter();
                    break;
            }

            Report(null);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _failure, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
            Report(_failure);
        }
    }

    /// <summary>Prints the <c>done</c> line once (the phase's end or the silo's stop, whichever comes first).</summary>
    public void Report(string? failure)
    {
        if (Interlocked.Exchange(ref _reported, 1) != 0)
        {
            return;
        }

        var cpu = (Environment.CpuUsage.TotalTime - _cpuAtGo).TotalMicroseconds;
        var histogram = _latency.TotalCount == 0 ? "-" : Convert.ToBase64String(Encode(_latency));
        var line = string.Create(CultureInfo.InvariantCulture,
            $"done {Volatile.Read(ref _answer)} {Volatile.Read(ref _messages)} {Volatile.Read(ref _payloadBytes)} {Volatile.Read(ref _sent)} {Volatile.Read(ref _delivered)} {Volatile.Read(ref _units)} {cpu:0} {histogram}{(failure is null ? "" : " " + failure.ReplaceLineEndings(" "))}");
        Say(line);
    }

    /// <summary>
    /// Prints <c>count MESSAGES CPUMICROS</c>: the messages this worker has counted so far and the CPU its process has
    /// burned since it was ready (every thread), for a calibration that reads a phase without an end in slices.
    /// </summary>
    public void Tally()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"count {Volatile.Read(ref _messages)} {(Environment.CpuUsage.TotalTime - _cpuAtGo).TotalMicroseconds:0}");
        Say(line);
    }

    /// <summary>
    /// Prints <c>jit METHODS MICROS</c>: the methods the JIT compiled in this process (every thread) since it was
    /// ready, and the time it took. With the protocol rehearsed before ready (<see cref="MeshRehearsal"/>), a phase
    /// compiles none.
    /// </summary>
    public void Jit()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"jit {JitInfo.GetCompiledMethodCount() - _jitMethodsAtReady} {(JitInfo.GetCompilationTime() - _jitTimeAtReady).TotalMicroseconds:0}");
        Say(line);
    }

    private void Count(long messages, long payloadBytes)
    {
        Interlocked.Add(ref _messages, messages);
        Interlocked.Add(ref _payloadBytes, payloadBytes);
    }

    /// <summary>Writes one control line to the silo (the phase thread and stdin's commands both write).</summary>
    private void Say(string line)
    {
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private void Record(long ticks) => _latency.RecordValue(Math.Clamp((long)(ticks * _nanosecondsPerTick), 1, HighestNanoseconds));

    /// <summary>cpu: answers each chunk the silo sends with its partial sum, until the silo says done.</summary>
    private void Cpu()
    {
        var link = links.Silo!;
        Span<byte> partial = stackalloc byte[sizeof(ulong)];
        while (true)
        {
            var frame = link.Receive();
            if (frame.Kind == MeshProtocol.Done)
            {
                return;
            }

            var first = frame.Int64();
            var count = frame.Int64(sizeof(long));
            BitConverter.TryWriteBytes(partial, CpuKernel.Range(first, count));
            link.Send(MeshProtocol.Partial, partial);
            Interlocked.Add(ref _units, count);
        }
    }

    /// <summary>pingpong: worker 2p pings 2p+1 (a lone worker, itself) its pair's share of round trips.</summary>
    private void PingPong()
    {
        var pairs = Math.Max(1, spec.Workers / 2);
        var pair = spec.Index / 2;
        if (pair >= pairs)
        {
            return;
        }

        var rounds = WorkSplit.Share(spec.Work, pairs, pair);
        if (spec.Workers == 1)
        {
            var ponger = new Thread(() => Pong(links.In[0], rounds)) { IsBackground = true, Name = "mesh-pong" };
            ponger.Start();
            Ping(links.Out[0], rounds);
            ponger.Join();
        }
        else if (spec.Index % 2 == 0)
        {
            Ping(links.Out[0], rounds);
        }
        else
        {
            Pong(links.In[0], rounds);
        }
    }

    private void Ping(IFrameLink link, long rounds)
    {
        var message = new byte[sizeof(long) + spec.PayloadBytes];
        var bytesPerRound = 2 * (spec.PayloadBytes + sizeof(long));
        for (long r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            BitConverter.TryWriteBytes(message, r);
            Interlocked.Increment(ref _sent);
            link.Send(MeshProtocol.Ping, message);
            var pong = link.Receive();
            Record(Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _delivered);
            Count(2, bytesPerRound);
            Interlocked.Increment(ref _units);
            if (pong.Kind == MeshProtocol.Pong && pong.Int64() == r + 1)
            {
                Interlocked.Increment(ref _answer);
            }
        }
    }

    private static void Pong(IFrameLink link, long rounds)
    {
        for (long r = 0; r < rounds; r++)
        {
            var ping = link.Receive();
            var reply = ping.Body.ToArray();
            BitConverter.TryWriteBytes(reply, ping.Int64() + 1);
            link.Send(MeshProtocol.Pong, reply);
        }
    }

    /// <summary>
    /// ring: worker 0 sends the token (hop 1); each worker adds its index and passes it on, until hop = work. The
    /// worker that takes the last hop holds the answer and sends <see cref="MeshProtocol.Stop"/> once around.
    /// </summary>
    private void Ring()
    {
        var next = links.Out[0];
        var previous = links.In[0];
        var message = new byte[(2 * sizeof(long)) + spec.PayloadBytes];
        var bytesPerHop = spec.PayloadBytes + (2 * sizeof(long));
        var lapStart = Stopwatch.GetTimestamp();
        if (spec.Index == 0)
        {
            BitConverter.TryWriteBytes(message, 1L);
            BitConverter.TryWriteBytes(message.AsSpan(sizeof(long)), 0UL);
            Interlocked.Increment(ref _sent);
            next.Send(MeshProtocol.Token, message);
        }

        var last = false;
        while (true)
        {
            var frame = previous.Receive();
            if (frame.Kind == MeshProtocol.Stop)
            {
                if (!last)
                {
                    next.Send(MeshProtocol.Stop, []);
                }

                return;
            }

            Interlocked.Increment(ref _delivered);
            Interlocked.Increment(ref _units);
            Count(1, bytesPerHop);
            var hop = frame.Int64();
            var value = unchecked((ulong)frame.Int64(sizeof(long)) + (ulong)spec.Index);
            if (spec.Index == 0)
            {
                // Laps are timed where they start, as the process model does.
                var now = Stopwatch.GetTimestamp();
                Record((now - lapStart) / spec.Workers);
                lapStart = now;
            }

            if (hop == spec.Work)
            {
                Volatile.Write(ref _answer, value);
                last = true;
                next.Send(MeshProtocol.Stop, []);
                continue;
            }

            frame.Body.Span.CopyTo(message);
            BitConverter.TryWriteBytes(message, hop + 1);
            BitConverter.TryWriteBytes(message.AsSpan(sizeof(long)), value);
            Interlocked.Increment(ref _sent);
            next.Send(MeshProtocol.Token, message);
        }
    }

    /// <summary>
    /// counter: worker 0 owns the counter and adds its own share in its private memory; every other worker sends
    /// it increments of up to granularity and waits for each to be applied.
    /// </summary>
    private void Counter()
    {
        var share = WorkSplit.Share(spec.Work, spec.Workers, spec.Index);
        if (spec.Index != 0)
        {
            var owner = links.Out[0];
            var message = new byte[sizeof(long) + spec.PayloadBytes];
            for (long done = 0; done < share; done += spec.Granularity)
            {
                var delta = Math.Min(spec.Granularity, share - done);
                var start = Stopwatch.GetTimestamp();
                BitConverter.TryWriteBytes(message, delta);
                Interlocked.Increment(ref _sent);
                owner.Send(MeshProtocol.Increment, message);
                var ack = owner.Receive();
                if (ack.Kind != MeshProtocol.Ack)
                {
                    throw new InvalidDataException($"counter: the owner answered an increment with kind {ack.Kind}");
                }

                Record(Stopwatch.GetTimestamp() - start);
                Interlocked.Increment(ref _delivered);
                Count(2, spec.PayloadBytes + sizeof(long));
                Interlocked.Add(ref _units, delta);
            }

            owner.Send(MeshProtocol.Done, []);
            return;
        }

        // The owner serves each client's link on a thread of its own; the counter is this process's private state.
        long counter = 0;
        Exception? failure = null;
        var servers = links.In.Select(link => new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var frame = link.Receive();
                    if (frame.Kind == MeshProtocol.Done)
                    {
                        return;
                    }

                    Interlocked.Add(ref counter, frame.Int64());
                    link.Send(MeshProtocol.Ack, []);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }) { IsBackground = true, Name = "mesh-counter" }).ToList();
        foreach (var server in servers)
        {
            server.UnsafeStart();
        }

        for (long done = 0; done < share; done += spec.Granularity)
        {
            var start = Stopwatch.GetTimestamp();
            Interlocked.Add(ref counter, Math.Min(spec.Granularity, share - done));
            Record(Stopwatch.GetTimestamp() - start);
        }

        Interlocked.Add(ref _units, share);
        foreach (var server in servers)
        {
            server.Join();
        }

        Volatile.Write(ref _answer, (ulong)Interlocked.Read(ref counter));
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>HdrHistogram's V2 encoding without compression, as the silo's LatencyRecorder encodes.</summary>
    private static byte[] Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.Encode(buffer, HistogramEncoderV2.Instance);
        buffer.Position = 0;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return bytes;
    }
}
