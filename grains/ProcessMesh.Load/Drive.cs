using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Load;

/// <summary>
/// One drive of a population of <see cref="ILoadGrain"/>s: closed loop (callers that each wait for their reply)
/// or open loop (calls sent on the <see cref="LoadSchedule"/> whatever the replies do). Every call issued is
/// settled exactly once, under one lock: when it answers, or, if it is still outstanding when the drive closes
/// (its duration and one timeout more after its start), as a timeout then. The close ends the drive: a reply
/// that comes later touches nothing, so the figures are complete and stable once <see cref="RunAsync"/> returns.
/// A hosted drive is split into <paramref name="shares"/>, one a silo: share <paramref name="share"/> runs the
/// spec's callers (its share of them) or, open loop, every <paramref name="shares"/>-th call of the schedule.
/// </summary>
public sealed class Drive(LoadSpec spec, int share = 0, int shares = 1)
{
    private readonly Lock _gate = new();
    private readonly OutstandingCalls _outstanding = new();
    private readonly CallTally _tally = new(spec.Timeout);
    private readonly LatencyRecorder _service = new();
    private readonly LatencyRecorder _sendLag = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _calls;
    private bool _sending = true;
    private bool _closed;
    private double _wallSeconds;

    /// <summary>Calls issued so far (for live progress; read without the lock, so it may be a call behind).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>The silo's CPU seconds over the drive, which its caller measures.</summary>
    public double CpuSeconds { get; set; }

    /// <summary>What this drive gave, for the record (once <see cref="RunAsync"/> has returned).</summary>
    public DriveFigures Figures
    {
        get
        {
            lock (_gate)
            {
                return new DriveFigures(_wallSeconds, CpuSeconds, _calls, _tally)
                {
                    Service = spec.IsOpen ? _service : null,
                    SendLag = spec.IsOpen ? _sendLag : null,
                };
            }
        }
    }

    /// <summary>Drives <paramref name="population"/> for the spec's duration, then closes.</summary>
    public async Task RunAsync(ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var all = spec.IsOpen
            ? OpenLoopAsync(population, payload, cancellationToken)
            : Task.WhenAll(Enumerable.Range(0, spec.Concurrency).Select(c => ClosedLoopAsync(population, payload, c, cancellationToken)));

        // A call that never answers must not hold the drive: after the duration and one timeout more, it is
        // counted as a timeout and left behind. A cancelled drive closes too, so nothing more is sent.
        await Task.WhenAny(all, Task.Delay(spec.Duration + spec.Timeout, cancellationToken));
        Close();
        _wallSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        if (all.IsFaulted)
        {
            await all; // the pacer broke: rethrow rather than report a drive it did not make
        }
    }

    private async Task ClosedLoopAsync(ILoadGrain[] population, byte[] payload, int caller, CancellationToken cancellationToken)
    {
        var random = new Random((caller * shares) + share);
        var end = Stopwatch.GetTimestamp() + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (Issue(now) is not { } slot)
            {
                return;
            }

            await CallAsync(population[random.Next(population.Length)], payload, slot, now);
        }
    }

    /// <summary>
    /// Paces the open loop on a dedicated thread, outside the Orleans scheduler: a grain's timers and turns
    /// run milliseconds late under load, and a late pacer would count its own lateness as the silo's. The
    /// <see cref="PreciseSleep"/> sleeps to each call's due time without spinning. The task completes when the last
    /// call has settled.
    /// </summary>
    private Task OpenLoopAsync(ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken)
    {
        var pacer = new Thread(() =>
        {
            try
            {
                Pace(population, payload, cancellationToken);
            }
            catch (Exception e)
            {
                _drained.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "processmesh-load-pacer",
        };
        pacer.Start();
        return _drained.Task;
    }

    private void Pace(ILoadGrain[] population, byte[] payload, CancellationToken cancellationToken)
    {
        var random = new Random(share);
        var schedule = new LoadSchedule(spec);
        var t0 = Stopwatch.GetTimestamp();
        for (long i = share; !cancellationToken.IsCancellationRequested && schedule.TryDue(i, Stopwatch.Frequency, out var offset); i += shares)
        {
            var due = t0 + offset;
            PreciseSleep.Until(due);

            // Timed from when the call was due: a call sent late (the silo or the pacer fell behind) carries
            // that lateness into its latency (coordinated omission corrected). A pacer so far behind that the
            // drive has closed sends no more.
            if (Issue(due) is not { } slot)
            {
                return;
            }

            // Sent from the thread pool, not this thread: the call's pooled completion source then goes
            // back to a pool that later calls draw from.
            var grain = population[random.Next(population.Length)];
            _ = Task.Run(() => CallAsync(grain, payload, slot, due), CancellationToken.None);
        }

        lock (_gate)
        {
            _sending = false;
            if (_outstanding.Count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Counts a call due at <paramref name="due"/> as issued and returns its slot; null once the drive has closed.</summary>
    private int? Issue(long due)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            _calls++;
            return _outstanding.Add(due);
        }
    }

    private async Task CallAsync(ILoadGrain grain, byte[] payload, int slot, long due)
    {
        if (Volatile.Read(ref _closed))
        {
            // Issued but not yet sent when the drive closed (the sender fell that far behind): it was counted as a
            // timeout then, and sending it now would only load the silo after the drive, or after its grains are gone.
            return;
        }

        var sent = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await grain.Echo(payload);
        }
        catch (Exception)
        {
            // Whatever the call threw (a silo's error, Orleans' own response timeout, a cancelled request), it
            // is one failed call, counted below with the others.
            failed = true;
        }

        var done = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_closed)
            {
                return; // counted as a timeout at the close
            }

            _outstanding.Remove(slot);
            if (_tally.Answered(done - due, failed))
            {
                _service.RecordTicks(done - sent);
                _sendLag.RecordTicks(sent - due);
            }

            if (!_sending && _outstanding.Count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Ends the drive: every call still outstanding is a timeout; later replies are ignored.</summary>
    private void Close()
    {
        lock (_gate)
        {
            _closed = true;
            var now = Stopwatch.GetTimestamp();
            foreach (var due in _outstanding.DueTimestamps())
            {
                _tally.Unanswered(now - due);
            }
        }
    }
}
