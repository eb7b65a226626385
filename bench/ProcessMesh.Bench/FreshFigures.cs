using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Bench;

/// <summary>
/// The figures one row of the emulation bench depends on, measured again now with the calibration's own benchmarks
/// (real processes, the same code <c>calibrate</c> runs) and put in place of the silo's calibration's: a quiet pair's
/// 8 B message over a pipe, the .NET crowd (a ring of 16 os model workers, then 8 pairs), or a start alone and a
/// crowd's memory and start. This VM's speed moves by tens of percent within minutes, so a calibration measured
/// minutes before a trial is off by that much at the trial; these are measured seconds before it, so a trial's error
/// is the emulation's against its calibration's moment, not the machine's drift since <c>calibrate</c>.
/// </summary>
internal static class FreshFigures
{
    /// <summary>How long the quiet pair's fresh message benchmark runs (the calibration's <see cref="CalibrationPlan.MessageSeconds"/>).</summary>
    private static double MessageSeconds => CalibrationPlan.Full.MessageSeconds;

    /// <summary><paramref name="calibration"/> with <paramref name="kind"/>'s quiet 8 B message over its first IPC measured now.</summary>
    public static async Task<Calibration> QuietPairAsync(Calibration calibration, ProcessKind kind, CancellationToken cancellationToken)
    {
        var ipc = kind.Ipcs[0];
        var now = (await MessageBench.RunAsync(kind, ipc, [8], [MessageSeconds], cancellationToken))[0];
        return calibration with
        {
            MeasuredAt = DateTimeOffset.UtcNow,
            Messages = [.. calibration.Messages.Select(m => IsQuiet(m, kind.Kind, ipc) ? now : m)],
        };
    }

    /// <summary><paramref name="calibration"/> with the .NET crowd measured now: one sample of the calibration's (a ring, then pairs), for the calibration's whole <see cref="CalibrationPlan.ContentionSeconds"/>.</summary>
    public static async Task<Calibration> CrowdAsync(Calibration calibration, CancellationToken cancellationToken)
    {
        var process = Process(calibration, Emulation.DotNet);
        var crowd = process.Contention ?? throw new InvalidOperationException("the calibration has no .NET crowd to measure again");
        var plan = CalibrationPlan.Full;
        var sample = await ContentionBench.SampleMeshAsync(crowd.Ipc, crowd.Processes, plan.ContentionSeconds, plan.ContentionSeconds / 4, cancellationToken);
        var quiet = calibration.Messages.First(m => IsQuiet(m, Emulation.DotNet, crowd.Ipc));
        return With(calibration, process with { Contention = ContentionBench.OfSamples(crowd.Ipc, quiet, crowd.Processes, [sample]) });
    }

    /// <summary>
    /// <paramref name="calibration"/> with the .NET start measured now, as <c>calibrate</c> measures it: a lone start's
    /// wall time and CPU (the median of the calibration's starts), and the crowd of <paramref name="running"/> os model
    /// workers started at once (its memory, its start and the CPU each burned by then).
    /// </summary>
    public static async Task<Calibration> StartAsync(Calibration calibration, int running, CancellationToken cancellationToken)
    {
        var process = Process(calibration, Emulation.DotNet);
        var (wall, cpu) = await ProcessFootprints.StartAsync(ProcessKind.DotNet(), CalibrationPlan.Full.StartRepeats, cancellationToken);
        var crowd = (await ProcessFootprints.WorkingCrowdsAsync("pipe", [running], cancellationToken))[0];
        return With(calibration, process with
        {
            StartMicros = wall,
            StartCpuMicros = cpu,
            Crowds = [.. process.Crowds.Where(c => c.Running != running).Append(crowd).OrderBy(c => c.Running)],
        });
    }

    private static bool IsQuiet(MessageCalibration message, string kind, string ipc) =>
        message.Between == MessageCalibration.BetweenProcesses && message.Kind == kind && message.Ipc == ipc && message.PayloadBytes == 8;

    private static ProcessCalibration Process(Calibration calibration, string kind) =>
        calibration.Process(kind) ?? throw new InvalidOperationException($"the calibration has no {kind} processes to measure again");

    private static Calibration With(Calibration calibration, ProcessCalibration process) =>
        calibration with { MeasuredAt = DateTimeOffset.UtcNow, Processes = [.. calibration.Processes.Select(p => p.Kind == process.Kind ? process : p)] };
}
