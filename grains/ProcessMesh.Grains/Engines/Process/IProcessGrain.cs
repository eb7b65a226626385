using ProcessMesh.Grains.Engines.Process.Messages;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// One isolated process: private memory, one turn at a time, and messages as its only link to other processes.
/// A receiver copies every payload into its own memory on arrival, as IPC copies bytes out of the kernel; the
/// message records are immutable, so Orleans adds no generic deep copy of its own (which would cost far more
/// per message than the bytes it copies, and is not what IPC does). Methods a process must answer while it
/// waits on its own work are interleaved; that changes when a message is handled, never that the process runs
/// one turn at a time.
/// </summary>
internal interface IProcessGrain : IGrainWithStringKey
{
    /// <summary>Allocates and touches the private memory and learns the run.</summary>
    Task Start(ProcessSetup setup);

    /// <summary>Runs a chunk of cpu or io units and replies with the partial result.</summary>
    Task<ComputeReply> Compute(ComputeRequest request);

    /// <summary>Performs this process's share of counter increments (messages to process 0, which owns it).</summary>
    Task<WorkerReport> RunCounter(long share);

    /// <summary>Adds increments to the counter this process owns.</summary>
    [AlwaysInterleave]
    Task Increment(CounterMessage message);

    /// <summary>The counter's value.</summary>
    Task<long> ReadCounter();

    /// <summary>Runs this process's block of the stencil, exchanging boundaries with its neighbours.</summary>
    Task<WorkerReport> RunStencil();

    /// <summary>Receives a neighbour's boundary cell.</summary>
    [AlwaysInterleave]
    Task Halo(HaloMessage message);

    /// <summary>Bounces <paramref name="rounds"/> pings off process <paramref name="partner"/>.</summary>
    Task<WorkerReport> RunPingPong(int partner, long rounds);

    /// <summary>Answers a ping. The partner is idle while its pinger waits, so no interleaving is needed (or paid for).</summary>
    Task<PongMessage> Pong(PingMessage message);

    /// <summary>Answers a ping from this same process (a lone worker bounces off itself while it waits).</summary>
    [AlwaysInterleave]
    Task<PongMessage> PongSelf(PingMessage message);

    /// <summary>Starts the ring's token (process 0 only) and waits until its last hop.</summary>
    Task<WorkerReport> RunRing();

    /// <summary>Receives the token and passes it on.</summary>
    [OneWay, AlwaysInterleave]
    Task Pass(RingToken token);

    /// <summary>Tells process 0 the ring's final value.</summary>
    [OneWay, AlwaysInterleave]
    Task RingDone(ulong value);

    /// <summary>Frees the private memory and deactivates.</summary>
    Task Stop();
}
