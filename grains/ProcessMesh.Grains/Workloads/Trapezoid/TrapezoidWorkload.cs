using System.Runtime.CompilerServices;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Trapezoid;

/// <summary>
/// <c>trapezoid</c> (Savina's Trapezoidal Approximation): the area under Savina's f(x) over [1, 5] by the
/// trapezoid rule with N pieces (Savina's default: 10,000,000 pieces and 100 workers). Workers split the pieces;
/// a process is sent its chunks and replies with their area, a thread adds its chunks' area into shared memory.
/// Each piece's area is rounded to a fixed point of 10^-15 before it is added, so the answer is an integer sum
/// that no split or order can change: every model must give the serial answer exactly.
/// </summary>
public sealed class TrapezoidWorkload : LaneWorkload<ITrapezoidProcess>
{
    /// <summary>Savina's pieces.</summary>
    public const long SavinaPieces = 10_000_000;

    /// <summary>Savina's interval.</summary>
    public const double Left = 1, Right = 5;

    /// <inheritdoc />
    public override Workload Name => new("trapezoid");

    /// <inheritdoc />
    public override string Summary => "Savina's trapezoidal approximation: an integral split into pieces";

    /// <inheritdoc />
    public override string Unit => "pieces";

    /// <summary>Savina's 10,000,000 pieces, 10,000 a message.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(SavinaPieces, 10_000);

    /// <inheritdoc />
    public override long QuickWork => 2_000;

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec) => Range(spec.Work, 0, spec.Work);

    /// <inheritdoc />
    protected override Task<ComputeReply> Send(ITrapezoidProcess worker, ComputeRequest request) => worker.Area(request);

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new ComputeThreads(run, (first, count) => Range(run.Spec.Work, first, count));

    /// <summary>Savina's integrand: sin(x³ − 1) / (x + 1) · √(1 + e^√(2x)).</summary>
    /// <remarks>Compiled optimized at its first call, as <see cref="Range"/> is.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double F(double x) => Math.Sin((x * x * x) - 1) / (x + 1) * Math.Sqrt(1 + Math.Exp(Math.Sqrt(2 * x)));

    /// <summary>The fixed-point area (10^-15) of pieces first .. first+count-1 of <paramref name="pieces"/>, summed mod 2^64.</summary>
    /// <remarks>
    /// The measured phase's kernel: compiled optimized at its first call, not tiered, as the cpu kernel is
    /// (<see cref="Cpu.CpuKernel.Unit"/>), so a run on fresh silos measures the integrand, not the JIT's tier 0.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Range(long pieces, long first, long count)
    {
        var h = (Right - Left) / pieces;
        ulong sum = 0;
        for (var k = first; k < first + count; k++)
        {
            var x = Left + (k * h);
            var area = h * (F(x) + F(x + h)) / 2;
            sum = unchecked(sum + (ulong)(long)Math.Round(area * 1e15));
        }

        return sum;
    }

    /// <summary>The answer as the area it stands for.</summary>
    public static double Area(ulong answer) => unchecked((long)answer) / 1e15;
}

/// <summary>A <c>trapezoid</c> process: computes the area of the pieces it is sent.</summary>
public interface ITrapezoidProcess : IProcessWorker
{
    /// <summary>The fixed-point area of a chunk of pieces.</summary>
    Task<ComputeReply> Area(ComputeRequest request);
}

/// <inheritdoc cref="ITrapezoidProcess" />
internal class TrapezoidProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), ITrapezoidProcess
{
    public Task<ComputeReply> Area(ComputeRequest request)
    {
        Receive(request.Payload);
        return Task.FromResult(new ComputeReply(TrapezoidWorkload.Range(Spec.Work, request.First, request.Count)));
    }
}

/// <summary>An emulated run's <see cref="TrapezoidProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedTrapezoidProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : TrapezoidProcessGrain(sinks, silo), IIncomingGrainCallFilter;
