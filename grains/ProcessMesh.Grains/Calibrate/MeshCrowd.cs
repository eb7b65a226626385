using System.Diagnostics;
using System.Globalization;
using ProcessMesh.Grains.Engines.Os;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// A crowd of the os model's own worker processes (<c>ProcessMesh.Worker mesh</c>), started and wired to each other as
/// <see cref="OsMesh"/> starts and wires them (<see cref="MeshProtocol"/>), running a workload whose phase has no end
/// (its work is too large to finish), and read in slices with <c>count</c>. So the calibration measures what the os
/// model's workers pay, their loop, latency histogram and links included, not a bare benchmark process. Every process
/// is killed by its PID when the crowd is disposed, whatever happened.
/// </summary>
internal sealed class MeshCrowd : IDisposable
{
    /// <summary>Work no crowd finishes in a calibration's seconds (round trips or hops).</summary>
    private const long Endless = 1L << 50;

    private static readonly TimeSpan _answer = TimeSpan.FromSeconds(60);
    private readonly List<MeshProcess> _workers = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("pm-crowd-").FullName;

    private MeshCrowd()
    {
    }

    /// <summary>The wall time from spawning the first worker to the last one's <c>ready</c>, microseconds (as <c>--model os</c> times its start).</summary>
    public double StartMicros { get; private set; }

    /// <summary>The CPU the workers had burned by then, every thread of each, summed, microseconds (load on the machine stretches the wall time, not this).</summary>
    public double StartCpuMicros { get; private set; }

    /// <summary>The workers' process ids.</summary>
    public IEnumerable<int> Pids => _workers.Select(w => w.Pid);

    /// <summary>
    /// Starts <paramref name="processes"/> workers of <paramref name="workload"/> (<c>pingpong</c> or <c>ring</c>) over
    /// <paramref name="ipc"/>, each connected to its peers and <c>ready</c>, not yet told to go.
    /// </summary>
    public static async Task<MeshCrowd> StartAsync(string workload, string ipc, int processes, CancellationToken cancellationToken)
    {
        var crowd = new MeshCrowd();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(_answer + TimeSpan.FromSeconds(processes));
            var c = CultureInfo.InvariantCulture;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < processes; i++)
            {
                crowd._workers.Add(MeshProcess.Start(i,
                [
                    "mesh", "--ipc", ipc, "--dir", crowd._directory, "--index", i.ToString(c), "--workers", processes.ToString(c),
                    "--workload", workload, "--work", Endless.ToString(c), "--granularity", "1", "--payload", "0", "--memory", "0",
                ]));
            }

            var addresses = await Task.WhenAll(crowd._workers.Select(w => w.ExpectAsync("listen", limit.Token)));
            var peers = "peers " + string.Join(' ', addresses);
            await Task.WhenAll(crowd._workers.Select(w => w.SendAsync(peers)));
            await Task.WhenAll(crowd._workers.Select(w => w.ExpectAsync("ready", limit.Token)));
            crowd.StartMicros = clock.Elapsed.TotalMicroseconds;
            crowd.StartCpuMicros = crowd._workers.Sum(w => ProcCpu.Micros(w.Pid));
            return crowd;
        }
        catch
        {
            crowd.Dispose();
            throw;
        }
    }

    /// <summary>Starts the phase in every worker.</summary>
    public async Task GoAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.SendAsync("go");
        }
    }

    /// <summary>The messages the workers have counted so far and the CPU their processes burned since ready, microseconds, summed over the crowd (after <see cref="GoAsync"/> only: a worker reads nothing but <c>go</c> before its phase).</summary>
    public async Task<(long Messages, double CpuMicros)> CountAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_answer);
        foreach (var worker in _workers)
        {
            await worker.SendAsync("count");
        }

        var (messages, cpu) = (0L, 0.0);
        foreach (var worker in _workers)
        {
            var fields = (await worker.ExpectAsync("count", limit.Token)).Split(' ');
            messages += long.Parse(fields[0], CultureInfo.InvariantCulture);
            cpu += double.Parse(fields[1], CultureInfo.InvariantCulture);
        }

        return (messages, cpu);
    }

    /// <summary>Each worker's resident set and Pss now, bytes (as <see cref="OsMesh"/> reads its workers' before the phase).</summary>
    public IReadOnlyList<(long Resident, long Pss)> Memory() => [.. _workers.Select(w => w.Memory())];

    /// <summary>Kills every worker by its PID and removes their directory.</summary>
    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a socket file of a worker being killed; the temporary directory is left
        }
    }
}
