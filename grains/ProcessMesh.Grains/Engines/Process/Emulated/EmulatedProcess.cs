using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Workloads;
using ProcessMesh.Grains.Workloads.Io;

namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// What one process worker pays to be an OS process of a calibrated kind (<c>--emulate dotnet|python</c>), read once
/// from the <see cref="CostModel"/> at its start: the footprint it holds, and per message the CPU each side burns and
/// the latency beyond it, in clock ticks for the run's message size, so a message pays without a look-up.
/// </summary>
internal sealed class EmulatedProcess
{
    /// <summary>The request-context key of a message's send time (<see cref="Stopwatch"/> ticks), set by <see cref="StampSend"/>.</summary>
    private const string SentKey = "pm.sent";

    /// <summary>The request-context key of the clock the send time was read on: the sender's kernel's boot id.</summary>
    private const string ClockKey = "pm.clock";

    private static readonly ConcurrentDictionary<MethodInfo, bool> _oneWay = new();

    /// <summary>This machine's monotonic clock (<see cref="Stopwatch"/> on Linux): its kernel's boot id, shared by every process on it; empty when unknown.</summary>
    private static readonly Guid _clock = ReadClock();

    private readonly (double OneWayMicros, double BurnMicros, double SenderShare) _budget;
    private readonly double _callMicros;

    /// <summary>Whether this process shares its machine with more processes than it has cores (<see cref="CostModel.Crowded"/>): then its messages wait their turn (<see cref="WaitsItsTurn"/>).</summary>
    private readonly bool _crowded;

    /// <summary>How much longer than asked this process's messages' paths have taken, taken off its next waits.</summary>
    private readonly WaitLedger _path = new();

    /// <summary>The last send stamp read from each sender (a process worker's turns never run at once, so no lock).</summary>
    private readonly Dictionary<GrainId, long> _lastSent = [];
    private byte[] _footprint;

    private EmulatedProcess(CostModel costs, int bytes)
    {
        _budget = costs.Budget(bytes);
        _callMicros = costs.GrainCall.OneWayMicros;
        _crowded = costs.Crowded;
        _footprint = [];
    }

    private EmulatedProcess(CostModel costs, RunSpec spec, int index)
        : this(costs, CostModel.MessageBytes(spec))
    {
        // A held footprint is really committed, as the process's own pages are; a modelled one is only counted, and
        // its start with it (a hundred thousand modelled starts would take hours of CPU: see docs/emulation.md).
        var held = spec.Footprint != Emulation.Modelled;
        _footprint = held ? PrivateMemory.Allocate(costs.FootprintBytesFor(spec.Workers), (byte)(index | 1)) : [];
    }

    /// <summary>
    /// Starts worker <paramref name="index"/> as a process of <paramref name="costs"/>' kind: holds its footprint and
    /// pays its start (both only when the footprint is held): the start's CPU burned, the rest of its wall time waited.
    /// Null for <c>grain</c>: nothing to pay.
    /// </summary>
    public static async Task<EmulatedProcess?> StartAsync(CostModel? costs, RunSpec spec, int index)
    {
        if (costs is null)
        {
            return null;
        }

        var process = new EmulatedProcess(costs, spec, index);
        if (spec.Footprint != Emulation.Modelled)
        {
            var (cpu, wait) = costs.StartPaidFor(costs.Workers > 0 ? costs.Workers : spec.Workers);
            await CpuBurn.ElsewhereAsync(CpuBurn.Ticks(cpu));
            await IoTimer.Shared.WaitAsync(CpuBurn.Ticks(wait));
        }

        return process;
    }

    /// <summary>
    /// A process that carries messages of <paramref name="bytes"/> as a worker of <paramref name="costs"/> does and holds
    /// nothing: the carrying probe's (<see cref="ProcessCosts.ProbeCarryingAsync"/>).
    /// </summary>
    public static EmulatedProcess ForProbe(CostModel costs, int bytes) => new(costs, bytes);

    /// <summary>
    /// Carries one incoming message and, unless the call is one-way, its reply, as two processes would: the sender's
    /// CPU on the message's path burned, the latency beyond it waited (on the <see cref="IoTimer"/>, holding no core),
    /// the receiver's CPU on the path burned; then the call; then the same for the reply. What the grain call itself
    /// took one way is taken off: measured for this very message when its sender stamped it (<see cref="StampSend"/>)
    /// on this machine's clock, else the silo's probe (<see cref="CostModel.GrainCall"/>); the reply is taken to take
    /// as long as its request. The CPU the real processes overlap with the path (<see cref="CostModel.Split"/>) is
    /// burned beside it, queued to the thread pool as the call arrives and not waited for, so it takes a core but not
    /// the path's time. In a crowd a request that waits nothing on the timer waits its turn behind the silo's other
    /// runnable work instead (<see cref="WaitsItsTurn"/>), as a woken process waits for a core. A worker's messages take
    /// in all what they asked: what a leg takes beyond it, and a request whose call alone took longer than the one way,
    /// is owed and taken off its next waits (<see cref="WaitLedger"/>).
    /// Everything runs in the receiving worker's turn (see docs/emulation.md for what that does and does not model).
    /// </summary>
    public async Task CarryAsync(IIncomingGrainCallContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var legs = _oneWay.GetOrAdd(context.InterfaceMethod, m => m.GetCustomAttribute<OneWayAttribute>() is not null) ? 1 : 2;
        var call = CallMicros(context, arrived);
        var (sender, receiver, overlapped, wait) = CostModel.Split(_budget, call);
        var leg = (CpuBurn.Ticks(sender), CpuBurn.Ticks(receiver), CpuBurn.Ticks(wait));
        var beside = CpuBurn.Ticks(overlapped);
        _path.Charge(0, CpuBurn.Ticks(CostModel.Beyond(_budget, call))); // measured for the request only: the reply's own transit is not seen
        if (beside > 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static ticks => CpuBurn.For(ticks), legs * beside, preferLocal: false);
        }

        await LegAsync(leg, arrived, request: true);
        await context.Invoke();
        if (legs == 2)
        {
            await LegAsync(leg, Stopwatch.GetTimestamp(), request: false);
        }
    }

    /// <summary>
    /// Stamps the grain call about to be made from this async flow with its send time, so the emulated process it
    /// reaches pays only what the call itself did not take (<see cref="CarryAsync"/>). Called by a process worker
    /// before each message to a peer, and by a lane's driver before each chunk, in emulated runs only.
    /// </summary>
    public static void StampSend()
    {
        RequestContext.Set(SentKey, Stopwatch.GetTimestamp());
        RequestContext.Set(ClockKey, _clock);
    }

    /// <summary>
    /// Whether a message pays anything: false when every per-message cost is zero (a calibration of zeros), and then
    /// the worker passes its calls on untouched.
    /// </summary>
    public bool PaysPerMessage => _budget.OneWayMicros > 0 || _budget.BurnMicros > 0;

    /// <summary>Lets the footprint go.</summary>
    public void Release() => _footprint = [];

    /// <summary>How many bytes of footprint this worker holds (zero when modelled).</summary>
    public long HeldBytes => _footprint.LongLength;

    /// <summary>
    /// What the call now arriving took one way, microseconds: from its sender's stamp when it was read on this
    /// machine's clock (and the stamp is removed, so it does not ride on this turn's own calls), else the probe's.
    /// </summary>
    private double CallMicros(IIncomingGrainCallContext context, long now)
    {
        if (RequestContext.Get(SentKey) is long sent && RequestContext.Get(ClockKey) is Guid clock)
        {
            RequestContext.Remove(SentKey);
            RequestContext.Remove(ClockKey);
            var took = now - sent;
            if (clock == _clock && _clock != Guid.Empty && took >= 0 && Fresh(context.SourceId, sent))
            {
                return took * 1e6 / Stopwatch.Frequency;
            }
        }

        return _callMicros;
    }

    /// <summary>
    /// Whether <paramref name="sent"/> is newer than the last stamp from <paramref name="sender"/>: a sender that kept
    /// a peer's reference and called it again without <c>Peer</c> sends its old stamp along, which would read as a
    /// call that took ever longer.
    /// </summary>
    private bool Fresh(GrainId? sender, long sent)
    {
        if (sender is not { } from)
        {
            return true;
        }

        if (_lastSent.TryGetValue(from, out var last) && sent <= last)
        {
            return false;
        }

        _lastSent[from] = sent;
        return true;
    }

    /// <summary>
    /// One leg of a message from <paramref name="start"/> (the request's: its arrival; the reply's: the call's end):
    /// the sender's burn, the wait less what this process's paths owe (<see cref="WaitLedger.Take"/>) or, for a crowded
    /// request that waits nothing, its turn behind the silo's other work (<see cref="WaitsItsTurn"/>), the receiver's
    /// burn; then the whole leg is charged against what it asked, so whatever made it longer (a burn that lost its
    /// core, the timer's lateness and its hop back to this worker's scheduler, the carrying itself) is taken off the
    /// next waits (as is, in <see cref="CarryAsync"/>, a request whose call alone took longer than the one way:
    /// <see cref="CostModel.Beyond"/>).
    /// </summary>
    private Task LegAsync((long Sender, long Receiver, long Wait) leg, long start, bool request)
    {
        CpuBurn.For(leg.Sender);
        var wait = _path.Take(leg.Wait);
        return wait > 0 ? AfterWaitAsync(leg, wait, start)
            : WaitsItsTurn(_crowded, request, wait, static () => ThreadPool.PendingWorkItemCount) ? AfterTurnAsync(leg, start)
            : EndLeg(leg, 0, start);
    }

    /// <summary>
    /// Whether a leg that waits <paramref name="wait"/> ticks on the timer (what is left once the ledger took its share)
    /// also waits its turn behind the silo's other runnable work (<see cref="RunQueue.Turn"/>): a message's request leg
    /// in a crowd (<paramref name="crowded"/>) that does not wait on the timer, while the thread pool holds
    /// <paramref name="pending"/> work items not yet started (read last: it counts every thread's queue; with none, a woken process runs at once: a ring's one
    /// token wakes its next process with no one else to wait behind, and a turn there is a work item for nothing). Orleans runs a grain's next turn on the
    /// thread that made it runnable, before older work queued to the pool, so in a crowd whose waits the ledger covers
    /// one pair kept a thread for up to milliseconds while the others waited: 8 pairs on 2 cores made most round trips in
    /// about 10 µs and one or two in a hundred in milliseconds, where the kernel shares the cores evenly among real
    /// processes (docs/emulation.md, "A crowd's turns"). A leg that waits on the timer has its turn already: the timer's
    /// thread makes the grain runnable from outside the pool, which queues it behind the pool's other work. The reply
    /// goes on at once: one turn a round trip is enough for the pairs to take theirs in order, and a turn on both legs
    /// cost about 1 µs of CPU a message more, beyond what the carrying probe could take off the burn.
    /// </summary>
    internal static bool WaitsItsTurn(bool crowded, bool request, long wait, Func<long> pending) => crowded && request && wait <= 0 && pending() > 0;

    private async Task AfterTurnAsync((long Sender, long Receiver, long Wait) leg, long start)
    {
        await RunQueue.Turn();
        await EndLeg(leg, 0, start);
    }

    private async Task AfterWaitAsync((long Sender, long Receiver, long Wait) leg, long wait, long start)
    {
        await IoTimer.Shared.At(Stopwatch.GetTimestamp() + wait);
        await EndLeg(leg, wait, start);
    }

    private Task EndLeg((long Sender, long Receiver, long Wait) leg, long waited, long start)
    {
        CpuBurn.For(leg.Receiver);
        _path.Charge(leg.Sender + waited + leg.Receiver, Stopwatch.GetTimestamp() - start);
        return Task.CompletedTask;
    }

    /// <summary>The boot id of this machine's kernel (whose monotonic clock <see cref="Stopwatch"/> reads on Linux); empty elsewhere.</summary>
    private static Guid ReadClock()
    {
        try
        {
            return Guid.TryParse(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), out var id) ? id : Guid.Empty;
        }
        catch (IOException)
        {
            return Guid.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return Guid.Empty;
        }
    }
}
