using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ProcessMesh.Tests.Cli;

/// <summary>A real silo process, configured from its environment, that the CLI joins through its gateway.</summary>
public sealed class StandaloneSiloTests
{
    [Fact]
    public async Task The_cli_joins_a_running_silo_and_the_silo_stops_gracefully()
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var clusterId = $"test-{Guid.NewGuid():N}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["ProcessMesh__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ProcessMesh__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ProcessMesh__ClusterId"] = clusterId,
                ["ProcessMesh__ShutdownTimeout"] = "00:00:10",
                ["ProcessMesh__HttpPort"] = "0",
            },
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ProcessMesh.Silo.dll"));
        using var silo = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        silo.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("ProcessMesh silo listening", StringComparison.Ordinal))
            {
                listening.TrySetResult(e.Data);
            }
        };
        silo.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();
        try
        {
            var banner = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Contains($"gateway 127.0.0.1:{gatewayPort}", banner, StringComparison.Ordinal);
            Assert.Contains($"cluster {clusterId}", banner, StringComparison.Ordinal);

            var outcome = await CliProcess.RunAsync(TimeSpan.FromMinutes(3), "run", "--model", "process", "--workload", "ring", "--workers", "3", "--work", "300",
                "--repeats", "1", "--warmup", "0", "--no-baseline", "--format", "json", "--quiet", "--gateway", $"127.0.0.1:{gatewayPort}", "--cluster-id", clusterId);

            Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
            using var json = JsonDocument.Parse(outcome.Stdout);
            var run = json.RootElement.GetProperty("runs")[0];
            Assert.True(run.GetProperty("correct").GetBoolean());
            Assert.Equal("server", run.GetProperty("machine").GetProperty("gc").GetString());
        }
        finally
        {
            if (!silo.HasExited)
            {
                // SIGTERM, as a process manager stops a silo; it must leave within its shutdown timeout.
                using var term = Process.Start("kill", ["-TERM", silo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
            }
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(grace.Token);
        Assert.True(silo.ExitCode == 0, $"the silo exited with {silo.ExitCode}: {string.Join('\n', log)}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
