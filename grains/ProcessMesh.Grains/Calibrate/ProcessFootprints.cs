using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Os;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>What one kind of OS process costs to start and to keep, measured with real processes on this machine.</summary>
internal static class ProcessFootprints
{
    private static readonly TimeSpan _answer = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _grace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The median wall time from spawn to the first answered message (<c>ping</c>, <c>pong</c>) over
    /// <paramref name="repeats"/> lone starts, and the median CPU the process burned by then (all its threads),
    /// microseconds.
    /// </summary>
    public static async Task<(double WallMicros, double CpuMicros)> StartAsync(ProcessKind kind, int repeats, CancellationToken cancellationToken)
    {
        var (times, cpus) = (new List<double>(), new List<double>());
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            using var child = ChildProcess.Start(kind.Start(["idle"]), $"an idle {kind.Label} process");
            await child.ExpectAsync("ready", _answer, cancellationToken);
            await child.WriteLineAsync("ping");
            await child.ExpectAsync("pong", _answer, cancellationToken);
            times.Add(clock.Elapsed.TotalMicroseconds);
            cpus.Add(ProcCpu.Micros(child.Id));
            await child.StopAsync(_grace);
        }

        return (Rounds.Median(times), Rounds.Median(cpus));
    }

    /// <summary>
    /// Memory per process with each of <paramref name="crowds"/> idle processes running at once (1, 8, 64: the
    /// smaller crowds are the first of the larger, so a crowd is grown, not started again), each read once it has
    /// answered a message: mean resident set and mean Pss (the resident set where the kernel gives no Pss), and the wall
    /// time from spawning those that joined, all at once, to the last one's answer, over their number (as
    /// <c>--model os</c> measures its workers' start).
    /// </summary>
    public static async Task<IReadOnlyList<ProcessCrowd>> CrowdsAsync(ProcessKind kind, IReadOnlyList<int> crowds, CancellationToken cancellationToken)
    {
        var children = new List<ChildProcess>();
        var figures = new List<ProcessCrowd>();
        try
        {
            foreach (var running in crowds.Order())
            {
                var joining = new List<ChildProcess>();
                var clock = Stopwatch.StartNew();
                while (children.Count < running)
                {
                    var child = ChildProcess.Start(kind.Start(["idle"]), $"an idle {kind.Label} process ({children.Count + 1} of {running})");
                    children.Add(child);
                    joining.Add(child);
                }

                foreach (var child in joining)
                {
                    await child.ExpectAsync("ready", _answer, cancellationToken);
                    await child.WriteLineAsync("ping");
                }

                foreach (var child in joining)
                {
                    await child.ExpectAsync("pong", _answer, cancellationToken);
                }

                var start = joining.Count == 0 ? 0 : clock.Elapsed.TotalMicroseconds / joining.Count;
                long rss = 0, pss = 0;
                foreach (var child in children)
                {
                    var resident = ProcMemory.ResidentBytes(child.Id);
                    rss += resident;
                    pss += ProcMemory.PssBytes(child.Id) is > 0 and var p ? p : resident;
                }

                figures.Add(new ProcessCrowd { Running = running, ResidentBytes = rss / running, PssBytes = pss / running, StartMicros = start });
            }

            await Task.WhenAll(children.Select(c => c.StopAsync(_grace)));
            return figures;
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    /// <summary>
    /// The .NET kind's memory and start per process with each of <paramref name="crowds"/> running, measured as
    /// <c>--model os</c> measures its workers: the os model's own workers (<see cref="MeshCrowd"/>, a ring of n over
    /// <paramref name="ipc"/>), started all at once, connected to each other and <c>ready</c> (their listener, their
    /// links, the workload's code and latency histogram loaded), then read: mean resident set and mean Pss, the wall
    /// time from spawning the first to the last one's <c>ready</c> over their number, and the CPU each burned by then. An idle process, which loads none
    /// of that, held 1.7–1.9 MiB (Pss) less than a working os worker, and started 20–48 % faster per process.
    /// </summary>
    public static async Task<IReadOnlyList<ProcessCrowd>> WorkingCrowdsAsync(string ipc, IReadOnlyList<int> crowds, CancellationToken cancellationToken)
    {
        var figures = new List<ProcessCrowd>();
        foreach (var running in crowds.Order())
        {
            using var crowd = await MeshCrowd.StartAsync("ring", ipc, running, cancellationToken);
            var memory = crowd.Memory();
            figures.Add(new ProcessCrowd
            {
                Running = running,
                ResidentBytes = memory.Sum(m => m.Resident) / running,
                PssBytes = memory.Sum(m => m.Pss > 0 ? m.Pss : m.Resident) / running,
                StartMicros = crowd.StartMicros / running,
                StartCpuMicros = crowd.StartCpuMicros / running,
            });
        }

        return figures;
    }
}
