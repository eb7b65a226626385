using System.Collections.Concurrent;
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
    private static readonly ConcurrentDictionary<MethodInfo, bool> _oneWay = new();
    private readonly long _senderTicks;
    private readonly long _receiverTicks;
    private readonly long _overlappedTicks;
    private readonly long _waitTicks;
    private readonly WaitLedger _waits = new();
    private byte[] _footprint;

    private EmulatedProcess(CostModel costs, RunSpec spec, int index)
    {
        var (sender, receiver, overlapped, wait) = costs.Paid(CostModel.MessageBytes(spec));
        _senderTicks = CpuBurn.Ticks(sender);
        _receiverTicks = CpuBurn.Ticks(receiver);
        _overlappedTicks = CpuBurn.Ticks(overlapped);
        _waitTicks = CpuBurn.Ticks(wait);

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
    /// Carries one incoming message and, unless the call is one-way, its reply, as two processes would: the sender's
    /// CPU on the message's path burned, the latency beyond it waited (on the <see cref="IoTimer"/>, holding no core),
    /// the receiver's CPU on the path burned; then the call; then the same for the reply. The CPU the real processes
    /// overlap with the path (<see cref="CostModel.Paid"/>) is burned beside it, queued to the thread pool as the call
    /// arrives and not waited for, so it takes a core but not the path's time. The waits of one worker sum to what
    /// they asked (<see cref="WaitLedger"/>). Everything runs in the receiving worker's turn (see docs/emulation.md for
    /// what that does and does not model).
    /// </summary>
    public async Task CarryAsync(IIncomingGrainCallContext context)
    {
        var legs = _oneWay.GetOrAdd(context.InterfaceMethod, m => m.GetCustomAttribute<OneWayAttribute>() is not null) ? 1 : 2;
        if (_overlappedTicks > 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static ticks => CpuBurn.For(ticks), legs * _overlappedTicks, preferLocal: false);
        }

        await LegAsync();
        await context.Invoke();
        if (legs == 2)
        {
            await LegAsync();
        }
    }

    /// <summary>
    /// Whether a message pays anything: false when every per-message cost is zero (a calibration of zeros, or a grain
    /// call that already costs all of it), and then the worker passes its calls on untouched.
    /// </summary>
    public bool PaysPerMessage => (_senderTicks | _receiverTicks | _overlappedTicks | _waitTicks) != 0;

    /// <summary>Lets the footprint go.</summary>
    public void Release() => _footprint = [];

    /// <summary>How many bytes of footprint this worker holds (zero when modelled).</summary>
    public long HeldBytes => _footprint.LongLength;

    private Task LegAsync()
    {
        CpuBurn.For(_senderTicks);
        return _waitTicks > 0 ? AfterWaitAsync() : BurnReceiver();
    }

    private async Task AfterWaitAsync()
    {
        await IoTimer.Shared.WaitAsync(_waitTicks, _waits);
        CpuBurn.For(_receiverTicks);
    }

    private Task BurnReceiver()
    {
        CpuBurn.For(_receiverTicks);
        return Task.CompletedTask;
    }
}
