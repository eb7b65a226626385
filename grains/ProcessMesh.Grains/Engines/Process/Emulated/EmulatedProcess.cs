using System.Collections.Concurrent;
using System.Reflection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Workloads;

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
    private readonly long _waitTicks;
    private byte[] _footprint;

    private EmulatedProcess(CostModel costs, RunSpec spec, int index)
    {
        var (sender, receiver, wait) = costs.Paid(CostModel.MessageBytes(spec));
        _senderTicks = CpuBurn.Ticks(sender);
        _receiverTicks = CpuBurn.Ticks(receiver);
        _waitTicks = CpuBurn.Ticks(wait);

        // A held footprint is really committed, as the process's own pages are; a modelled one is only counted, and
        // its start with it (a hundred thousand modelled starts would take hours of CPU: see docs/emulation.md).
        var held = spec.Footprint != Emulation.Modelled;
        _footprint = held ? PrivateMemory.Allocate(costs.FootprintBytes, (byte)(index | 1)) : [];
        if (held)
        {
            CpuBurn.For(CpuBurn.Ticks(costs.StartMicros));
        }
    }

    /// <summary>
    /// Starts worker <paramref name="index"/> as a process of <paramref name="costs"/>' kind: holds its footprint and
    /// burns its start (both only when the footprint is held). Null for <c>grain</c>: nothing to pay.
    /// </summary>
    public static EmulatedProcess? Start(CostModel? costs, RunSpec spec, int index) => costs is null ? null : new EmulatedProcess(costs, spec, index);

    /// <summary>
    /// Carries one incoming message and, unless the call is one-way, its reply, as two processes would: the sender's
    /// CPU burned, the latency beyond both CPUs waited (on the <see cref="DelayLine"/>, holding no core), the
    /// receiver's CPU burned; then the call; then the same for the reply. Everything runs in the receiving worker's
    /// turn (see docs/emulation.md for what that does and does not model).
    /// </summary>
    public async Task CarryAsync(IIncomingGrainCallContext context)
    {
        await LegAsync();
        await context.Invoke();
        if (!_oneWay.GetOrAdd(context.InterfaceMethod, m => m.GetCustomAttribute<OneWayAttribute>() is not null))
        {
            await LegAsync();
        }
    }

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
        await DelayLine.Shared.WaitAsync(_waitTicks);
        CpuBurn.For(_receiverTicks);
    }

    private Task BurnReceiver()
    {
        CpuBurn.For(_receiverTicks);
        return Task.CompletedTask;
    }
}
