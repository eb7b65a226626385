using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;

namespace ProcessMesh.Grains.Cluster;

/// <summary>Reads the process of the silo it is placed on (its key names that silo; see <see cref="OnNamedSiloAttribute"/>).</summary>
[OnNamedSilo]
internal sealed class SiloProbeGrain(ILocalSiloDetails silo, IGrainFactory grains) : Grain, ISiloProbeGrain
{
    private static readonly string ProcessWorkerType = typeof(ProcessGrain).FullName!;

    public async Task<SiloReading> Read(TimeSpan cpuWindow)
    {
        using var process = Process.GetCurrentProcess();
        double? cpuPercent = null;
        if (cpuWindow > TimeSpan.Zero)
        {
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.Delay(cpuWindow);
            process.Refresh();
            cpuPercent = 100 * (process.TotalProcessorTime - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        }

        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics([silo.SiloAddress]);
        process.Refresh();
        return new SiloReading
        {
            Silo = silo.SiloAddress.ToParsableString(),
            Activations = statistics.Sum(s => s.ActivationCount),
            ProcessWorkers = statistics.Where(s => s.GrainType.Contains(ProcessWorkerType, StringComparison.Ordinal)).Sum(s => s.ActivationCount),
            CpuSeconds = process.TotalProcessorTime.TotalSeconds,
            CpuPercent = cpuPercent,
            HeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            WorkingSetBytes = process.WorkingSet64,
            Cores = Environment.ProcessorCount,
            UptimeSeconds = (DateTime.Now - process.StartTime).TotalSeconds,
        };
    }
}
