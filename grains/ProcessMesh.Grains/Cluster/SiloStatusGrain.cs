using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Cluster;

/// <summary>Reads the process of the silo it is placed on (its key names that silo; see <see cref="SiloTargetPlacement"/>).</summary>
[SiloTargetPlacement]
internal sealed class SiloStatusGrain(ILocalSiloDetails silo, IGrainFactory grains) : Grain, ISiloStatusGrain
{
    /// <summary>The classes of every workload's process worker, as Orleans' grain statistics name them.</summary>
    private static readonly string[] _processWorkerTypes = [.. typeof(ProcessWorkerGrain).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsSubclassOf(typeof(ProcessWorkerGrain)))
        .Select(t => t.FullName!)];

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
            ProcessWorkers = statistics.Where(s => IsProcessWorker(s.GrainType)).Sum(s => s.ActivationCount),
            CpuSeconds = process.TotalProcessorTime.TotalSeconds,
            CpuPercent = cpuPercent,
            HeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            WorkingSetBytes = process.WorkingSet64,
            Cores = Environment.ProcessorCount,
            UptimeSeconds = (DateTime.Now - process.StartTime).TotalSeconds,
        };
    }

    private static bool IsProcessWorker(string grainType) => _processWorkerTypes.Any(t => grainType.Contains(t, StringComparison.Ordinal));
}
