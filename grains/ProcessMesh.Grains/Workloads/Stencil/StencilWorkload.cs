using System.Diagnostics;
using System.Runtime.CompilerServices;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Stencil;

/// <summary>
/// <c>stencil</c>: 1-D heat diffusion, a block of cells per worker. Each step, processes send their boundary
/// cells to their neighbours as messages; threads read their neighbours' cells from shared memory after a barrier.
/// </summary>
public sealed class StencilWorkload : Workload<IStencilProcess>
{
    /// <summary>The largest domain: the answer is checked against a single-threaded run of the same size.</summary>
    public const long MaxCells = 50_000_000;

    /// <inheritdoc />
    public override Workload Name => Workload.Stencil;

    /// <inheritdoc />
    public override string Summary => "neighbours exchange boundary cells every step (1-D heat diffusion)";

    /// <inheritdoc />
    public override string Unit => "cells";

    /// <summary>At least 20,000 cells, and 100 per worker.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(Math.Max(20_000, spec.Workers * 100L), 1);

    /// <inheritdoc />
    public override Refusal? Check(RunSpec spec) => spec.Work > MaxCells
        ? new Refusal(RefusedSetting.Work, $"the stencil takes at most {MaxCells:N0} cells (its answer is checked against a one-thread run)")
        : spec.Work < spec.Workers
            ? new Refusal(RefusedSetting.Workers, $"the stencil needs at least one cell per worker ({spec.Work:N0} cells for {spec.Workers:N0} workers; give more work)")
            : null;

    /// <inheritdoc />
    public override long QuickWork => 500;

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => StencilKernel.Expected(spec.Work, spec.Steps);

    /// <inheritdoc />
    public override async Task<ulong> RunProcessesAsync(ProcessRun run)
    {
        var blocks = await Task.WhenAll(Enumerable.Range(0, run.Spec.Workers).Select(i => run.Worker<IStencilProcess>(i).RunStencil()));
        return blocks.Aggregate(0UL, (s, b) => unchecked(s + b));
    }

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    private sealed class Threads : ISharedMemoryWorkload
    {
        private readonly SharedMemoryRun _run;
        private readonly double[] _cellsA;
        private readonly double[] _cellsB;
        private readonly Barrier _step;

        public Threads(SharedMemoryRun run)
        {
            _run = run;
            // Two generations of cells with a zero boundary cell at each end.
            _cellsA = new double[run.Spec.Work + 2];
            _cellsB = new double[run.Spec.Work + 2];
            for (long i = 0; i < run.Spec.Work; i++)
            {
                _cellsA[i + 1] = StencilKernel.Initial(i);
            }

            _step = new Barrier(run.Spec.Workers);
        }

        public void Run(int index)
        {
            var spec = _run.Spec;
            var lo = WorkSplit.Start(spec.Work, spec.Workers, index) + 1;
            var hi = lo + WorkSplit.Share(spec.Work, spec.Workers, index);
            var (cur, next) = (_cellsA, _cellsB);
            for (var step = 0; step < spec.Steps; step++)
            {
                var start = Stopwatch.GetTimestamp();
                if (spec.Native)
                {
                    // Native code runs without the interpreter lock, and so without its checkpoints.
                    var (c, n) = (cur, next);
                    _run.WithoutLock(() => Update(c, n, lo, hi, checkpoint: null));
                }
                else
                {
                    Update(cur, next, lo, hi, _run.Gil.Checkpoint);
                }

                _run.WithoutLock(() => _step.SignalAndWait(_run.Cancelled));
                (cur, next) = (next, cur);
                _run.Sink.Record(start);
            }
        }

        /// <summary>A thread's share of one step (its loop compiled optimized at its first call, as <see cref="StencilKernel.Step"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Update(double[] cur, double[] next, long lo, long hi, Action? checkpoint)
        {
            for (var j = lo; j < hi; j++)
            {
                checkpoint?.Invoke();
                next[j] = StencilKernel.Cell(cur[j - 1], cur[j], cur[j + 1]);
            }
        }

        public ulong Answer() => StencilKernel.Checksum((_run.Spec.Steps % 2 == 0 ? _cellsA : _cellsB).AsSpan(1, (int)_run.Spec.Work));
    }
}

/// <summary>A neighbour's boundary cell for one stencil step. <c>FromLeft</c>: the sender owns the cells to the left.</summary>
[GenerateSerializer, Immutable, Alias("pm.HaloMessage")]
public sealed record HaloMessage([property: Id(0)] int Step, [property: Id(1)] bool FromLeft, [property: Id(2)] double Value, [property: Id(3)] byte[] Payload);

/// <summary>A <c>stencil</c> process: its own block of cells, and boundary cells from its neighbours.</summary>
public interface IStencilProcess : IProcessWorker
{
    /// <summary>Runs this process's block, exchanging boundaries with its neighbours; replies with its block's checksum.</summary>
    Task<ulong> RunStencil();

    /// <summary>Receives a neighbour's boundary cell.</summary>
    [AlwaysInterleave]
    Task Halo(HaloMessage message);
}

/// <inheritdoc cref="IStencilProcess" />
internal class StencilProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IStencilProcess
{
    private readonly Dictionary<(int Step, bool FromLeft), double> _halos = [];
    private TaskCompletionSource? _haloArrived;

    public async Task<ulong> RunStencil()
    {
        var (index, workers) = (Index, Spec.Workers);
        var first = WorkSplit.Start(Spec.Work, workers, index);
        var n = (int)WorkSplit.Share(Spec.Work, workers, index);
        var cur = new double[n + 2];
        var next = new double[n + 2];
        for (var j = 0; j < n; j++)
        {
            cur[j + 1] = StencilKernel.Initial(first + j);
        }

        var payload = new byte[Spec.PayloadBytes];
        var hasLeft = index > 0 && n > 0;
        var hasRight = index < workers - 1 && n > 0 && WorkSplit.Share(Spec.Work, workers, index + 1) > 0;
        var (leftCrosses, rightCrosses) = (hasLeft && Sink.Crosses(index - 1), hasRight && Sink.Crosses(index + 1));
        var sends = new List<Task>(2);
        for (var step = 0; step < Spec.Steps && n > 0; step++)
        {
            ThrowIfStopped(step, Spec.Steps, "steps");
            var start = Stopwatch.GetTimestamp();
            sends.Clear();
            if (hasLeft)
            {
                sends.Add(Peer<IStencilProcess>(index - 1).Halo(new HaloMessage(step, FromLeft: false, cur[1], payload)));
            }

            if (hasRight)
            {
                sends.Add(Peer<IStencilProcess>(index + 1).Halo(new HaloMessage(step, FromLeft: true, cur[n], payload)));
            }

            Sink.Sent(sends.Count);
            try
            {
                await Task.WhenAll(sends);
            }
            catch
            {
                var answered = sends.Count(t => t.IsCompletedSuccessfully);
                Sink.Delivered(answered);
                Sink.Failed(sends.Count - answered);
                throw;
            }

            Sink.Delivered(sends.Count);
            if (hasLeft)
            {
                Sink.Count(2, Spec.PayloadBytes + sizeof(double), leftCrosses);
            }

            if (hasRight)
            {
                Sink.Count(2, Spec.PayloadBytes + sizeof(double), rightCrosses);
            }

            cur[0] = hasLeft ? await ReceiveHalo(step, fromLeft: true) : 0;
            cur[n + 1] = hasRight ? await ReceiveHalo(step, fromLeft: false) : 0;
            StencilKernel.Step(cur, next, 1, n + 1);

            (cur, next) = (next, cur);
            Sink.Record(start, leftCrosses || rightCrosses);
        }

        Sink.Done(n);
        return StencilKernel.Checksum(cur.AsSpan(1, n));
    }

    protected override void OnStopped() => _haloArrived?.TrySetResult();

    public Task Halo(HaloMessage message)
    {
        Receive(message.Payload);
        _halos[(message.Step, message.FromLeft)] = message.Value;
        _haloArrived?.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task<double> ReceiveHalo(int step, bool fromLeft)
    {
        double value;
        while (!_halos.Remove((step, fromLeft), out value))
        {
            ThrowIfStopped(step, Spec.Steps, "steps"); // a neighbour that was stopped sends no more halos
            _haloArrived = new TaskCompletionSource();
            await _haloArrived.Task;
        }

        return value;
    }
}

/// <summary>An emulated run's <see cref="StencilProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedStencilProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : StencilProcessGrain(sinks, silo), IIncomingGrainCallFilter;
