using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process.Emulated;
using ProcessMesh.Grains.Measurement;
using ProcessMesh.Grains.Workloads;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// The part every process worker shares: its setup, its private memory and its inbox. Everything it knows is in
/// its own fields; it has no static state and shares no object with another worker. The sink it records into
/// is the harness's instrument on its silo, not the process's memory. Each workload derives its worker from
/// this class, in the workload's own folder. In an emulated run (<c>--emulate dotnet|python</c>) every message to it
/// pays what a message between two OS processes costs, in <see cref="Invoke"/>: the one hook every workload's
/// messages pass through, so no workload knows it is emulated. Only an emulated run's workers are call filters (each
/// workload's one-line emulated twin, <see cref="ProcessWorkers"/>): a <c>grain</c> run's call them as plain grains.
/// </summary>
[WorkerPlacement]
public abstract class ProcessWorkerGrain(RunSinks sinks, ILocalSiloDetails silo) : Grain, IProcessWorker
{
    private ProcessSetup? _setup;
    private EmulatedProcess? _emulated;

    /// <summary><see cref="_emulated"/> when its messages pay anything; null when they pay nothing (every cost zero), so they pass as a grain's do.</summary>
    private EmulatedProcess? _carrier;
    private RunSink? _sink;
    private byte[] _memory = [];
    private byte[] _inbox = [];
    private readonly Dictionary<int, IProcessWorker> _peers = [];

    /// <summary>The run this worker belongs to; fails fast, naming the worker, if it was never started here.</summary>
    protected ProcessSetup Setup => _setup ?? throw new InvalidOperationException(
        $"process worker {this.GetPrimaryKeyString()} has no setup: it was activated again without Start (its silo was lost, or it was collected), so its share of the run is gone");

    /// <summary>Whether the run asked this worker to stop (the run was lost, or ended without it).</summary>
    protected bool Stopped { get; private set; }

    /// <summary>
    /// Ends a sender loop that outlives its run, at the top of an iteration (between a message's ledger entries
    /// would leave the ledger unbalanced): <paramref name="done"/> of <paramref name="of"/> <paramref name="what"/> were sent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // on every message's path: the check inline, the throw out of line
    protected void ThrowIfStopped(long done, long of, string what)
    {
        if (Stopped)
        {
            ThrowStopped(done, of, what);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowStopped(long done, long of, string what) =>
        throw new OperationCanceledException($"process worker {Index} was stopped after {done:N0} of {of:N0} {what}: its run ended without it");

    /// <summary>The run's spec.</summary>
    protected RunSpec Spec => Setup.Spec;

    /// <summary>This worker's rank.</summary>
    protected int Index => Setup.Index;

    /// <summary>Where this worker records its latencies and traffic.</summary>
    protected RunSink Sink => _sink ?? throw new InvalidOperationException($"process worker {this.GetPrimaryKeyString()} records before Start");

    /// <summary>
    /// Worker <paramref name="index"/> of the same run, through its workload's interface, for one message about to be
    /// sent: ask for it at each message, as a process names its peer at each write (the reference is kept, so this is a
    /// look-up). In an emulated run whose messages pay, the message is stamped with its send time, so the receiver pays
    /// only what the grain call did not already take (<see cref="EmulatedProcess.StampSend"/>).
    /// </summary>
    protected T Peer<T>(int index) where T : IProcessWorker
    {
        if (_carrier is not null)
        {
            EmulatedProcess.StampSend();
        }

        if (_peers.TryGetValue(index, out var known) && known is T peer)
        {
            return peer;
        }

        peer = ProcessWorkers.Get<T>(GrainFactory, Setup.Spec, ProcessKeys.Of(Setup.RunId, ProcessKeys.Parse(this.GetPrimaryKeyString()).Placement ?? Placements.Default, index));
        _peers[index] = peer;
        return peer;
    }

    /// <inheritdoc />
    public async Task<SiloAddress> Start(ProcessSetup setup)
    {
        _setup = setup;
        _sink = sinks.For(setup.RunId);
        _sink.Started();
        _memory = PrivateMemory.Allocate(setup.Spec.MemoryBytes, (byte)setup.Index);
        if (setup.Spec.Emulate != Emulation.Grain)
        {
            _emulated = await EmulatedProcess.StartAsync(await ServiceProvider.GetRequiredService<ProcessCosts>().ForRunAsync(setup.Spec, setup.RunId), setup.Spec, setup.Index);
            _carrier = _emulated is { PaysPerMessage: true } ? _emulated : null;
        }

        return silo.SiloAddress;
    }

    /// <summary>
    /// Every call to this worker: as it is for <c>grain</c> (the call, nothing added); in an emulated run whose messages
    /// pay something, the call carried as an IPC message and its reply (<see cref="EmulatedProcess.CarryAsync"/>),
    /// except a worker's own calls to itself and its Start and Stop, which are not messages between processes. When
    /// every message cost is zero the call passes as a grain's does: no state machine, no look-up, no timer. It is the
    /// <see cref="IIncomingGrainCallFilter.Invoke"/> of the emulated twins only (<see cref="ProcessWorkers"/>).
    /// </summary>
    public Task Invoke(IIncomingGrainCallContext context) =>
        _carrier is { } carrier && context.MethodName != nameof(Stop) && context.SourceId != this.GetGrainId()
            ? carrier.CarryAsync(context)
            : context.Invoke();

    /// <summary>Copies an arriving payload into this process's own memory, as IPC copies bytes into the receiver.</summary>
    protected void Receive(byte[] payload) => PrivateMemory.Receive(ref _inbox, payload);

    /// <summary>A fresh copy of the last payload received, to send on: the receiver never sees this process's memory.</summary>
    protected byte[] Send(int length) => length == 0 ? [] : _inbox[..length];

    /// <summary>The first <paramref name="length"/> bytes this process holds of the last payload it received.</summary>
    protected ReadOnlySpan<byte> Inbox(int length) => _inbox.AsSpan(0, Math.Min(length, _inbox.Length));

    /// <inheritdoc />
    public Task Stop()
    {
        Stopped = true;
        _memory = [];
        _emulated?.Release();
        _emulated = null;
        _carrier = null;
        _inbox = [];
        OnStopped();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>Wakes whatever this worker waits for inside a call, so the wait sees <see cref="Stopped"/> and ends.</summary>
    protected virtual void OnStopped()
    {
    }
}
