using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ProcessMesh.Worker;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>
/// A real silo process (the standalone silo, or a published copy of it) started with the environment a pod would
/// give it, with its HTTP port for probes. Disposing it kills whatever is still running.
/// </summary>
internal sealed class ProbedSilo : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private ProbedSilo(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
    }

    public int HttpPort { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The silo's output so far, for failure messages.</summary>
    public string Log => string.Join('\n', _log.TakeLast(60));

    /// <summary>Starts <c>dotnet <paramref name="dll"/></c> with <paramref name="environment"/>; ProcessMesh__HttpPort must be in it.</summary>
    public static ProbedSilo Start(string dll, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}");
        var silo = new ProbedSilo(process, int.Parse(environment["ProcessMesh__HttpPort"], CultureInfo.InvariantCulture));
        process.OutputDataReceived += (_, e) => silo._log.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => silo._log.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>GETs <paramref name="path"/> on the silo's HTTP port: the status code (0 if nothing answered) and body.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}{path}"));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="status"/>; the timeout names what it waited for.</summary>
    public async Task<string> WaitForAsync(string path, int status, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = (Status: 0, Body: "");
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with {_process.ExitCode} while waiting for {path} to answer {status}:\n{Log}");
            }

            last = await GetAsync(path);
            if (last.Status == status)
            {
                return last.Body;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{path} did not answer {status} within {timeout.TotalSeconds} s (last: {last.Status} {last.Body}):\n{Log}");
    }

    /// <summary>Sends SIGTERM, as the kubelet does when it stops a pod.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => Reaper.Kill(_process));
        _process.Dispose();
    }

    /// <summary>A TCP port nothing listens on now.</summary>
    public static int FreePort() => Cluster.Loopback.FreePort();

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
