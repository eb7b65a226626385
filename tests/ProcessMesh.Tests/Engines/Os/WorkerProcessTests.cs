using System.Diagnostics;
using System.Text.Json;
using ProcessMesh.Grains.Engines.Os;
using ProcessMesh.Worker;

namespace ProcessMesh.Tests.Engines.Os;

/// <summary>
/// The <c>ProcessMesh.Worker</c> executable, found beside the grains and started as a real OS process: its
/// <c>idle</c> and <c>ipc-bench</c> modes, and no process of it left afterwards (see <see cref="NoLeftoverWorkers"/>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkerProcessTests : NoLeftoverWorkers
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The worker the silo starts runs without tiered compilation: a fresh process's measured phase is its first
    /// seconds, and with tiering its hot methods were re-jitted in every process at once inside them (a ring of 16
    /// ran 400 to 1,400 µs a hop for a second where it runs about 20 µs once settled).
    /// </summary>
    [Fact]
    public async Task The_worker_the_silo_starts_runs_without_tiered_compilation()
    {
        var config = Path.ChangeExtension(WorkerExecutable.AssemblyPath, ".runtimeconfig.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(config));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation", out var tiered), $"{config} does not set System.Runtime.TieredCompilation");
        Assert.False(tiered.GetBoolean());
    }

    [Fact]
    public async Task Idle_says_ready_answers_each_ping_and_exits_when_stdin_closes()
    {
        using var worker = Process.Start(WorkerExecutable.StartInfo(["idle"]))!;
        try
        {
            Assert.Equal("ready", await LineAsync(worker, "the idle worker's 'ready'"));
            for (var i = 0; i < 3; i++)
            {
                await worker.StandardInput.WriteLineAsync("ping");
                await worker.StandardInput.FlushAsync();
                Assert.Equal("pong", await LineAsync(worker, $"pong {i + 1}"));
            }

            worker.StandardInput.Close();
            using var cts = new CancellationTokenSource(Patience);
            await worker.WaitForExitAsync(cts.Token);
            Assert.Equal(0, worker.ExitCode);
        }
        finally
        {
            Reaper.Kill(worker);
        }
    }

    [Theory]
    [InlineData("pipe")]
    [InlineData("uds")]
    [InlineData("tcp")]
    public async Task Ipc_bench_measures_a_real_peer_process_and_prints_one_json_line_per_size(string ipc)
    {
        // One time a size, as the calibration's quiet 8 B sample runs shorter than the other sizes.
        using var bench = Process.Start(WorkerExecutable.StartInfo(["ipc-bench", "--ipc", ipc, "--sizes", "8,1024", "--seconds", "0.1,0.2"]))!;
        try
        {
            var stderr = bench.StandardError.ReadToEndAsync();
            var stdout = await bench.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
            using var cts = new CancellationTokenSource(Patience);
            await bench.WaitForExitAsync(cts.Token);
            Assert.True(bench.ExitCode == 0, $"ipc-bench exited with {bench.ExitCode}: {await stderr}");

            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            foreach (var (line, size) in lines.Zip([8, 1024]))
            {
                var json = JsonDocument.Parse(line).RootElement;
                Assert.Equal(ipc, json.GetProperty("ipc").GetString());
                Assert.Equal(size, json.GetProperty("payloadBytes").GetInt32());
                Assert.True(json.GetProperty("roundTrips").GetInt64() > 0, line);
                Assert.True(json.GetProperty("oneWayMicros").GetDouble() > 0, line);
                Assert.True(json.GetProperty("senderCpuMicros").GetDouble() > 0, line);
                Assert.True(json.GetProperty("receiverCpuMicros").GetDouble() > 0, line);
            }
        }
        finally
        {
            Reaper.Kill(bench);
        }
    }

    [Theory]
    [InlineData("0.1,0.2,0.3", "3 times for 2 sizes")]
    [InlineData("0.1,x", "'x' is not a positive number")]
    public async Task Ipc_bench_refuses_times_that_are_not_one_for_every_size_or_one_a_size(string seconds, string said)
    {
        using var bench = Process.Start(WorkerExecutable.StartInfo(["ipc-bench", "--ipc", "pipe", "--sizes", "8,1024", "--seconds", seconds]))!;
        try
        {
            var stderr = bench.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(Patience);
            await bench.WaitForExitAsync(cts.Token);

            Assert.Equal(2, bench.ExitCode);
            Assert.Contains($"--seconds: {said}", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            Reaper.Kill(bench);
        }
    }

    [Fact]
    public async Task A_killed_bench_leaves_its_peer_to_be_found_by_the_process_table_check()
    {
        // The check itself must be able to fail: a bench killed alone (not its tree) orphans its echo peer.
        using var bench = Process.Start(WorkerExecutable.StartInfo(["ipc-bench", "--ipc", "pipe", "--sizes", "8", "--seconds", "30"]))!;
        try
        {
            await Cluster.Loopback.WaitUntilAsync(() => Task.FromResult(OwnedProcesses.Workers.Leftovers().Count >= 2), Patience, "the bench and its echo peer to run");

            // Frozen first, the peer cannot see its bench go and exit by itself before the check reads the table.
            foreach (var peer in OwnedProcesses.Workers.Leftovers().Where(pid => pid != bench.Id))
            {
                using var stop = Process.Start("kill", ["-STOP", peer.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await stop.WaitForExitAsync();
            }

            bench.Kill(entireProcessTree: false);
            await bench.WaitForExitAsync();
            Assert.Single(OwnedProcesses.Workers.Leftovers());
        }
        finally
        {
            Reaper.Kill(bench);
            foreach (var pid in OwnedProcesses.Workers.Leftovers())
            {
                // The killed bench could not remove its FIFO directory: the orphan's --connect names it.
                var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                var connect = Array.IndexOf(args, "--connect");
                using var orphan = Process.GetProcessById(pid);
                Reaper.Kill(orphan);
                if (connect >= 0 && Path.GetDirectoryName(args[connect + 1]) is { } directory && Path.GetFileName(directory).StartsWith("pm-bench-", StringComparison.Ordinal))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    [Fact]
    public async Task A_killed_worker_and_the_peer_it_started_leave_no_runtime_files_behind()
    {
        // Killed, a .NET process cannot remove its debugger pipes and diagnostics socket from the temp directory.
        using var bench = Process.Start(WorkerExecutable.StartInfo(["ipc-bench", "--ipc", "pipe", "--sizes", "8", "--seconds", "30"]))!;
        List<(int Pid, string Key)> made = [];
        try
        {
            // The bench's three files, and its peer's (a fork of the bench, before it becomes the peer, has none).
            await Cluster.Loopback.WaitUntilAsync(
                () =>
                {
                    made = [.. new[] { bench.Id }.Concat(Reaper.Descendants(bench.Id)).Select(pid => (pid, Reaper.StartTicks(pid) ?? "")).Where(p => Files(p).Count == 3)];
                    return Task.FromResult(made.Count == 2 && made[0].Pid == bench.Id);
                },
                Patience,
                "the bench and its echo peer to run, with their runtime files");
        }
        finally
        {
            Reaper.Kill(bench);
        }

        Assert.All(made, process => Assert.Empty(Files(process)));
    }

    /// <summary>The runtime's debugger pipes and diagnostics socket of one process (a PID used again names other files).</summary>
    private static List<string> Files((int Pid, string Key) process) =>
        [.. Reaper.RuntimeFiles(process.Pid).Where(f => f.Key == process.Key).Select(f => f.Path)];

    private static async Task<string?> LineAsync(Process worker, string what)
    {
        try
        {
            return await worker.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}");
        }
    }
}
