using System.Globalization;
using ProcessMesh.Grains.Engines.Os;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Tests.Engines.Os;

/// <summary>
/// The os model's worker compiles its protocol before it says <c>ready</c> (worker/Modes/MeshRehearsal.cs): it runs
/// without tiered compilation, so a method it first called after <c>go</c> was compiled inside the measured phase (a
/// ring of 16 over 20,000 hops read 35 µs a hop where 200,000 read 18). Real worker processes, driven as
/// <see cref="OsMesh"/> drives them (the test plays the silo's cpu lanes), each asked after its phase how many methods
/// its process compiled since <c>ready</c> (the <c>jit</c> control line). Every process is killed by its PID in
/// <c>finally</c>.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MeshRehearsalTests : NoLeftoverWorkers
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("cpu", 2, "pipe")]
    [InlineData("pingpong", 4, "pipe")]
    [InlineData("pingpong", 1, "uds")]
    [InlineData("ring", 3, "pipe")]
    [InlineData("counter", 3, "pipe")]
    [InlineData("ring", 3, "tcp")]
    public async Task A_worker_compiles_no_method_in_its_measured_phase(string workload, int n, string ipc)
    {
        var c = CultureInfo.InvariantCulture;
        var directory = Directory.CreateTempSubdirectory("pm-rehearsal-").FullName;
        var workers = new List<MeshProcess>();
        var lanes = new List<IFrameLink>();
        var silo = workload == "cpu" ? IpcListener.Open(ipc, directory, MeshProtocol.Silo) : null;
        try
        {
            for (var i = 0; i < n; i++)
            {
                string[] args =
                [
                    "mesh", "--ipc", ipc, "--dir", directory, "--index", i.ToString(c), "--workers", n.ToString(c), "--workload", workload,
                    "--work", "300", "--granularity", "1", "--payload", "16", "--memory", "0",
                ];
                workers.Add(MeshProcess.Start(i, silo is null ? args : [.. args, "--silo", silo.Address]));
            }

            var addresses = await Every(workers, "listen");
            var accepting = silo is null ? null : Task.Factory.StartNew(() => Enumerable.Range(0, n).Select(_ => silo.Accept().Link).ToList(), TaskCreationOptions.LongRunning);
            foreach (var worker in workers)
            {
                await worker.SendAsync("peers " + string.Join(' ', addresses));
            }

            await Every(workers, "ready");
            if (accepting is not null)
            {
                lanes.AddRange(await accepting.WaitAsync(Patience));
            }

            foreach (var worker in workers)
            {
                await worker.SendAsync("go");
            }

            // cpu: the silo's lanes hand out chunks, as OsMesh's do, then say done.
            var chunk = new byte[(2 * sizeof(long)) + 16];
            for (var unit = 0L; unit < 300; unit++)
            {
                foreach (var lane in lanes)
                {
                    BitConverter.TryWriteBytes(chunk, unit);
                    BitConverter.TryWriteBytes(chunk.AsSpan(sizeof(long)), 1L);
                    lane.Send(MeshProtocol.Compute, chunk);
                    Assert.Equal(MeshProtocol.Partial, lane.Receive().Kind);
                }
            }

            foreach (var lane in lanes)
            {
                lane.Send(MeshProtocol.Done, []);
            }

            var reports = (await Every(workers, "done")).Select(MeshReport.Parse).ToList();
            Assert.All(reports, r => Assert.Null(r.Failure));
            Assert.True(reports.Sum(r => r.Units) > 0, $"{workload}: the workers did no work");

            foreach (var worker in workers)
            {
                await worker.SendAsync("jit");
            }

            var compiled = (await Every(workers, "jit")).Select(j => j.Split(' ')).ToList();
            for (var i = 0; i < n; i++)
            {
                Assert.True(compiled[i][0] == "0", $"{workload} over {ipc}: worker {i} compiled {compiled[i][0]} methods ({compiled[i][1]} µs of JIT) in its measured phase");
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }

            foreach (var lane in lanes)
            {
                lane.Dispose();
            }

            silo?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Every worker's next line, which must be <paramref name="verb"/>; the rest of each.</summary>
    private static async Task<string[]> Every(IEnumerable<MeshProcess> workers, string verb)
    {
        using var limit = new CancellationTokenSource(Patience);
        try
        {
            return await Task.WhenAll(workers.Select(w => w.ExpectAsync(verb, limit.Token)));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"waited {Patience.TotalSeconds} s for every worker's '{verb}'");
        }
    }
}
