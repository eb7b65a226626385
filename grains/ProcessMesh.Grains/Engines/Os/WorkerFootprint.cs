using ProcessMesh.Worker;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>
/// What one idle worker process holds on this machine, measured once per silo process: a real
/// <c>ProcessMesh.Worker idle</c> is started, its resident set read once it answers, and it is killed. Admission
/// of the os model counts this (with headroom) per worker.
/// </summary>
internal static class WorkerFootprint
{
    private static readonly Lazy<Task<long>> _resident = new(MeasureAsync);

    /// <summary>The resident set of one idle worker process, bytes.</summary>
    public static Task<long> ResidentBytesAsync() => _resident.Value;

    private static async Task<long> MeasureAsync()
    {
        using var worker = System.Diagnostics.Process.Start(WorkerExecutable.StartInfo(["idle"]))
                           ?? throw new InvalidOperationException("the worker process did not start");
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var ready = await worker.StandardOutput.ReadLineAsync(limit.Token);
            if (ready != "ready")
            {
                throw new InvalidOperationException($"an idle worker process said '{ready}' instead of 'ready'");
            }

            await worker.StandardInput.WriteLineAsync("ping");
            await worker.StandardInput.FlushAsync(limit.Token);
            await worker.StandardOutput.ReadLineAsync(limit.Token);
            return ProcMemory.ResidentBytes(worker.Id);
        }
        finally
        {
            Reaper.Kill(worker);
        }
    }
}
