using System.Diagnostics;
using System.Globalization;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Load;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>
/// One os run (<see cref="MeshProtocol"/>): starts the worker processes, wires them to each other (they connect
/// worker to worker, never through the silo), reads each one's resident set and Pss, then times the measured
/// phase from <c>go</c> to the last worker's report (cpu: to the last lane's last partial sum, the silo handing
/// out chunks over the IPC as the process model's lanes do). A worker that dies or fails, or the time limit,
/// ends the run as <c>lost</c> at once: the others are told to report what they did, and the ledger is theirs.
/// Every process is killed by its PID in <c>finally</c>, whatever happened.
/// </summary>
internal sealed class OsMesh(RunSpec spec, string silo)
{
    /// <summary>How long the survivors of a lost run get to report what they did.</summary>
    private static readonly TimeSpan _reportLimit = TimeSpan.FromSeconds(5);

    private readonly string _ipc = spec.Ipc!;
    private readonly string _workload = spec.Workload.Name;
    private readonly List<MeshProcess> _workers = [];

    public async Task<EngineRun> RunAsync(CancellationToken cancelled = default)
    {
        var directory = Directory.CreateTempSubdirectory("pm-os-").FullName;
        var workers = _workers;
        IpcListener? listener = null;
        var lanes = new IFrameLink[spec.Workers];
        try
        {
            // Starting: outside the measured phase, with a limit of its own.
            using var starting = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
            starting.CancelAfter(TimeSpan.FromSeconds(60 + spec.Workers));
            var startClock = Stopwatch.StartNew();
            if (_workload == "cpu")
            {
                listener = IpcListener.Open(_ipc, directory, MeshProtocol.Silo);
            }

            for (var i = 0; i < spec.Workers; i++)
            {
                workers.Add(MeshProcess.Start(i, Arguments(i, directory, listener?.Address)));
            }

            try
            {
                var addresses = await Task.WhenAll(workers.Select(w => w.ExpectAsync("listen", starting.Token)));
                var peers = "peers " + string.Join(' ', addresses);
                var accepting = listener is null ? null : Task.Factory.StartNew(() => Accept(listener, lanes), TaskCreationOptions.LongRunning);
                await Task.WhenAll(workers.Select(w => w.SendAsync(peers)));
                await Task.WhenAll(workers.Select(w => w.ExpectAsync("ready", starting.Token)));
                if (accepting is not null)
                {
                    await accepting.WaitAsync(starting.Token);
                }
            }
            catch (Exception e) when (e is WorkerLostException or OperationCanceledException)
            {
                return Lost(
                    e is WorkerLostException ? $"{e.Message}, while the workers were starting"
                    : cancelled.IsCancellationRequested ? $"{GivenUp.Reason}, while the workers were starting"
                    : $"the worker processes did not start within {(60 + spec.Workers):0} s",
                    [], 0, startClock.Elapsed.TotalSeconds, default);
            }

            var startSeconds = startClock.Elapsed.TotalSeconds;
            var memory = workers.Select(w => w.Memory()).ToList();
            var footprint = (memory.Sum(m => (double)m.Resident) / workers.Count, memory.Sum(m => (double)m.Pss) / workers.Count);

            // The measured phase.
            var sink = new RunSink();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
            limit.CancelAfter(TimeSpan.FromSeconds(spec.TimeLimitSeconds));
            var reports = workers.Select(w => ReportAsync(w)).ToArray();
            var clock = PhaseClock.Start();
            foreach (var worker in workers)
            {
                await worker.SendAsync("go");
            }

            var cpuLanes = _workload == "cpu"
                ? Enumerable.Range(0, spec.Workers).Select(i => Task.Factory.StartNew(() => Lane(lanes[i], i, sink, limit.Token), TaskCreationOptions.LongRunning)).ToArray()
                : null;
            var phase = cpuLanes is null ? (Task)Task.WhenAll(reports) : Task.WhenAll(cpuLanes);
            var failure = await FirstFailureAsync(phase, reports, limit.Token, cancelled);
            var (wall, _) = clock.Stop();
            if (failure is null && cpuLanes is not null)
            {
                foreach (var lane in lanes)
                {
                    lane.Send(MeshProtocol.Done, []);
                }
            }

            if (failure is not null)
            {
                foreach (var (worker, report) in workers.Zip(reports))
                {
                    if (!report.IsCompleted)
                    {
                        await worker.SendAsync("stop");
                    }
                }
            }

            var done = await Task.WhenAll(reports.Select(r => r.WaitAsync(_reportLimit).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default)));
            var answer = cpuLanes is not null
                ? cpuLanes.Where(l => l.IsCompletedSuccessfully).Aggregate(0UL, (s, l) => unchecked(s + l.Result))
                : done.OfType<MeshReport>().Aggregate(0UL, (s, r) => unchecked(s + r.Answer));
            var run = Record(done, sink, wall, answer, startSeconds, footprint);
            return failure is null ? run : run with { Outcome = Outcomes.Lost, Failure = failure };
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }

            foreach (var lane in lanes)
            {
                lane?.Dispose();
            }

            listener?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private string[] Arguments(int index, string directory, string? siloAddress)
    {
        var c = CultureInfo.InvariantCulture;
        string[] args =
        [
            "mesh", "--ipc", _ipc, "--dir", directory, "--index", index.ToString(c), "--workers", spec.Workers.ToString(c),
            "--workload", _workload, "--work", spec.Work.ToString(c), "--granularity", spec.Granularity.ToString(c),
            "--payload", spec.PayloadBytes.ToString(c), "--memory", spec.MemoryBytes.ToString(c),
        ];
        return siloAddress is null ? args : [.. args, "--silo", siloAddress];
    }

    /// <summary>cpu: accepts every worker's link to the silo, each in its worker's lane.</summary>
    private void Accept(IpcListener listener, IFrameLink[] lanes)
    {
        for (var i = 0; i < lanes.Length; i++)
        {
            var (peer, link) = listener.Accept();
            lanes[int.Parse(peer.AsSpan(1), CultureInfo.InvariantCulture)] = link;
        }
    }

    /// <summary>
    /// One cpu lane, driven from the silo as <see cref="ComputeLanes.LaneAsync"/> drives a process worker: its share a
    /// chunk of granularity units per message, the partial sums added up.
    /// </summary>
    private ulong Lane(IFrameLink link, int index, RunSink sink, CancellationToken stop)
    {
        var first = WorkSplit.Start(spec.Work, spec.Workers, index);
        var share = WorkSplit.Share(spec.Work, spec.Workers, index);
        var message = new byte[(2 * sizeof(long)) + spec.PayloadBytes];
        ulong sum = 0;
        for (long done = 0; done < share;)
        {
            stop.ThrowIfCancellationRequested();
            var count = Math.Min(spec.Granularity, share - done);
            BitConverter.TryWriteBytes(message, first + done);
            BitConverter.TryWriteBytes(message.AsSpan(sizeof(long)), count);
            var start = Stopwatch.GetTimestamp();
            sink.Sent();
            Frame reply;
            try
            {
                link.Send(MeshProtocol.Compute, message);
                reply = link.Receive();
            }
            catch
            {
                sink.Failed();
                throw;
            }

            sink.Answered(start, 2, spec.PayloadBytes + (3 * sizeof(long)), count, crossSilo: false);
            sum = unchecked(sum + BitConverter.ToUInt64(reply.Body.Span));
            done += count;
        }

        return sum;
    }

    /// <summary>Waits for worker <paramref name="worker"/>'s <c>done</c> line; null when the process ended without one.</summary>
    private static async Task<MeshReport?> ReportAsync(MeshProcess worker)
    {
        while (await worker.NextLineAsync(CancellationToken.None) is { } line)
        {
            if (line.StartsWith("done ", StringComparison.Ordinal))
            {
                return MeshReport.Parse(line["done ".Length..]);
            }
        }

        return null;
    }

    /// <summary>
    /// Waits for the phase; returns null when it completed, else the first thing that ended it early: a worker
    /// process that ended without a report, a worker that reported a failure, a lane that failed, or the limit.
    /// </summary>
    private async Task<string?> FirstFailureAsync(Task phase, Task<MeshReport?>[] reports, CancellationToken limit, CancellationToken cancelled)
    {
        var pending = new List<Task>(reports) { phase };
        var timeout = Task.Delay(Timeout.Infinite, limit);
        pending.Add(timeout);
        while (true)
        {
            var next = await Task.WhenAny(pending);
            if (next == phase)
            {
                return phase.IsCompletedSuccessfully ? null : await LaneFailureAsync(phase, reports);
            }

            if (next == timeout)
            {
                return cancelled.IsCancellationRequested ? GivenUp.Reason : $"the run passed its time limit of {spec.TimeLimitSeconds:0.#} s and was stopped";
            }

            pending.Remove(next);
            var index = Array.IndexOf(reports, next);
            var report = await (Task<MeshReport?>)next;
            if (report is null)
            {
                return DescribeLost(index);
            }

            if (report.Failure is not null)
            {
                return $"worker {index} failed: {report.Failure}";
            }
        }

        // A dead worker's report task ends with null when its stdout closes; give it the moment it takes.
        async Task<string> LaneFailureAsync(Task failed, Task<MeshReport?>[] all)
        {
            await Task.WhenAny(Task.WhenAll(all), Task.Delay(TimeSpan.FromMilliseconds(500)));
            for (var i = 0; i < all.Length; i++)
            {
                if (all[i].IsCompletedSuccessfully && all[i].Result is null)
                {
                    return DescribeLost(i);
                }
            }

            var e = failed.Exception?.InnerExceptions.FirstOrDefault();
            return $"a cpu lane failed: {e?.GetType().Name}: {e?.Message.Split('\n')[0]}";
        }
    }

    private string DescribeLost(int index) => $"{_workers[index].Describe()} during the run";

    /// <summary>The record of the phase: the workers' reports and the silo's own (cpu lanes), summed.</summary>
    private EngineRun Record(IReadOnlyList<MeshReport?> reports, RunSink sink, double wall, ulong answer, double startSeconds, (double Resident, double Pss) footprint)
    {
        var done = reports.OfType<MeshReport>().ToList();
        var latency = sink.LocalLatency;
        foreach (var r in done.Where(r => r.Histogram.Length > 0))
        {
            latency.Add(LatencyRecorder.Decode(r.Histogram));
        }

        var ledger = sink.Ledger + new Ledger(done.Sum(r => r.Sent), done.Sum(r => r.Delivered), 0);
        var cpu = done.Sum(r => r.CpuSeconds);
        return new EngineRun
        {
            WallSeconds = wall,
            CpuSeconds = cpu,
            Answer = answer,
            Memory = new MemoryGrowth((long)footprint.Resident, 0, BelowResolution: false, Environment.SystemPageSize),
            Silos =
            [
                new SiloSinkReport
                {
                    Silo = silo,
                    Workers = spec.Workers,
                    Messages = sink.Messages + done.Sum(r => r.Messages),
                    PayloadBytes = sink.PayloadBytes + done.Sum(r => r.PayloadBytes),
                    LocalLatency = latency.Encode(),
                    Ledger = ledger,
                    UnitsDone = sink.UnitsDone + (_workload == "cpu" ? 0 : done.Sum(r => r.Units)),
                    HeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                    CpuSeconds = cpu,
                },
            ],
            StartSeconds = startSeconds,
            PssPerWorkerBytes = (long)footprint.Pss,
            Ipc = _ipc,
        };
    }

    private EngineRun Lost(string failure, IReadOnlyList<MeshReport?> reports, double wall, double startSeconds, (double, double) footprint) =>
        Record(reports, new RunSink(), wall, 0, startSeconds, footprint) with { Outcome = Outcomes.Lost, Failure = failure };
}
