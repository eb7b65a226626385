using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ProcessMesh.Worker;

namespace ProcessMesh.Tests.Cluster;

// Shared by the real-process tests and the cluster benchmarks (bench/ProcessMesh.Bench links this file).

/// <summary>Free loopback ports and the waits the real-process tests share.</summary>
internal static class Loopback
{
    private const int FirstPort = 20_000;
    private const int Ports = 12_000;
    private static int _next = Random.Shared.Next(Ports);

    /// <summary>
    /// A port nothing listens on now, below the kernel's ephemeral range (32768 up), each handed out once a test run.
    /// A port the kernel chose (bind to 0, release) lies in that range, where any outgoing connection of the tests
    /// running beside it may take it as its own local port before the silo binds it: a silo then exits at start.
    /// </summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < Ports; tries++)
        {
            var port = FirstPort + (Interlocked.Increment(ref _next) % Ports);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: the next one
            }
        }

        throw new InvalidOperationException($"no free loopback port from {FirstPort} to {FirstPort + Ports - 1}");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? detail = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}{(detail is null ? "" : $"; {detail()}")}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGTERM, as a process manager stops a service.</summary>
    public static void Terminate(Process process)
    {
        if (!process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            term.WaitForExit();
        }
    }
}

/// <summary>A redis-server of the test's own on a free loopback port, stopped on dispose (also when the test fails).</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private Process _process;

    private RedisServer(Process process, int port, string? password)
    {
        _process = process;
        Port = port;
        Password = password;
        Endpoint = $"127.0.0.1:{port}";
    }

    /// <summary>Its password (<c>requirepass</c>), or null for none.</summary>
    public string? Password { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Kills it (SIGKILL): its contents, the membership table among them, are gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts a new, empty redis-server on the same port (after <see cref="KillAsync"/>) and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var again = await StartAsync(Port, Password);
        _process.Dispose();
        _process = again._process;
    }

    /// <summary>
    /// Starts one (test.sh installs redis-server) and waits until it answers; with <paramref name="password"/>, it asks
    /// for it (given on standard input, as a configuration file, never on its command line).
    /// </summary>
    public static async Task<RedisServer> StartAsync(int? onPort = null, string? password = null)
    {
        var port = onPort ?? Loopback.FreePort();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = password is not null, UseShellExecute = false };
        if (password is not null)
        {
            start.ArgumentList.Add("-"); // the configuration file: standard input
        }

        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed (./test.sh installs it: apt-get install redis-server)", e);
        }

        if (password is not null)
        {
            await process.StandardInput.WriteLineAsync($"requirepass {password}");
            process.StandardInput.Close();
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, password);
        try
        {
            await Loopback.WaitUntilAsync(
                async () => await ProcessMesh.Silo.RedisEndpoint.ProblemAsync(server.Endpoint, TimeSpan.FromSeconds(2), password) is null,
                TimeSpan.FromSeconds(20),
                $"redis-server to answer on {server.Endpoint}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>
/// A real silo process (the Release build beside the tests) configured by environment variables, its output
/// collected line by line; killed on dispose if a test left it running.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, int siloPort, int gatewayPort)
    {
        Process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public Process Process { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>Lines the silo has written to standard output (its log).</summary>
    public IReadOnlyList<string> Log => [.. _stdout];

    /// <summary>Lines the silo has written to standard error.</summary>
    public IReadOnlyList<string> Errors => [.. _stderr];

    /// <summary>The silo's banner line, once it has started.</summary>
    public Task<string> Listening => _listening.Task;

    /// <summary>Everything the silo printed, for failure messages.</summary>
    public string Output => string.Join('\n', _stdout.Concat(_stderr));

    /// <summary>
    /// Starts a silo on free ports with <c>ProcessMesh__*</c> settings from <paramref name="settings"/> (an empty value
    /// leaves that setting at the silo's default): the silo host
    /// beside this assembly, or <c>dotnet</c> with <paramref name="command"/> (another host, such as the benchmarks' own).
    /// </summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string> settings, IReadOnlyList<string>? command = null)
    {
        var siloPort = Loopback.FreePort();
        var gatewayPort = Loopback.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ProcessMesh__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["ProcessMesh__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["ProcessMesh__ShutdownTimeout"] = "00:00:10";
        start.Environment["ProcessMesh__HttpPort"] = "0"; // several silos on one machine: no shared 8080
        foreach (var (name, value) in settings)
        {
            if (value.Length == 0)
            {
                start.Environment.Remove($"ProcessMesh__{name}"); // left at the silo's own default
            }
            else
            {
                start.Environment[$"ProcessMesh__{name}"] = value;
            }
        }

        foreach (var arg in command ?? [Path.Combine(AppContext.BaseDirectory, "ProcessMesh.Silo.dll")])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            silo._stdout.Enqueue(e.Data);
            if (e.Data.Contains("ProcessMesh silo listening", StringComparison.Ordinal))
            {
                silo._listening.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                silo._stderr.Enqueue(e.Data);
            }
        };
        process.Exited += (_, _) => silo._listening.TrySetException(new InvalidOperationException($"the silo exited before it listened; output:\n{silo.Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits for the process to exit, failing after <paramref name="timeout"/>; returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the silo (pid {Process.Id}) did not exit within {timeout.TotalSeconds:0} s; output:\n{Output}");
        }

        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => Reaper.Kill(Process));
        Process.Dispose();
    }
}

/// <summary>
/// A redis-server and <c>n</c> real silos with their membership in it (<c>ProcessMesh__Clustering=redis</c>, free
/// loopback ports, a cluster id of the test's own), every process stopped on dispose.
/// </summary>
internal sealed class RedisSiloCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos;

    private RedisSiloCluster(RedisServer redis, string clusterId, List<SiloProcess> silos)
    {
        Redis = redis;
        ClusterId = clusterId;
        _silos = silos;
    }

    /// <summary>The settings every silo of this cluster was started with.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; private init; } = new Dictionary<string, string>();

    /// <summary>The command the silos run (null: the silo host beside this assembly).</summary>
    public IReadOnlyList<string>? Command { get; private init; }

    /// <summary>Starts one more silo of this cluster (stopped on dispose with the others); does not wait for it to join.</summary>
    public SiloProcess AddSilo()
    {
        var silo = SiloProcess.Start(Settings, Command);
        _silos.Add(silo);
        return silo;
    }

    public RedisServer Redis { get; }

    public string ClusterId { get; }

    /// <summary>The silos' service id (the default unless the test gave them one of their own).</summary>
    public string ServiceId { get; private init; } = ProcessMesh.Silo.SiloSettings.DefaultClusterId;

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>
    /// Starts Redis and <paramref name="count"/> silos (run by <paramref name="command"/>, see <see cref="SiloProcess.Start"/>),
    /// and waits until the membership table lists every one as active.
    /// </summary>
    public static async Task<RedisSiloCluster> StartAsync(int count, TimeSpan timeout, IReadOnlyList<string>? command = null, string? serviceId = null, string? redisPassword = null)
    {
        var redis = await RedisServer.StartAsync(password: redisPassword);
        var clusterId = $"test-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["Clustering"] = "redis",
            ["Redis"] = redis.Endpoint,
            ["AdvertisedAddress"] = "127.0.0.1",
            ["ClusterId"] = clusterId,
            ["ServiceId"] = serviceId ?? ProcessMesh.Silo.SiloSettings.DefaultClusterId,
        };
        if (redisPassword is not null)
        {
            settings["RedisPassword"] = redisPassword;
        }

        var silos = new List<SiloProcess>();
        var cluster = new RedisSiloCluster(redis, clusterId, silos) { ServiceId = settings["ServiceId"], Settings = settings, Command = command };
        try
        {
            for (var i = 0; i < count; i++)
            {
                silos.Add(SiloProcess.Start(settings, command));
            }

            await using var connection = await cluster.ConnectAsync();
            await Loopback.WaitUntilAsync(
                async () => (await cluster.ActivePortsAsync(connection)).IsSupersetOf(silos.Select(s => s.SiloPort)),
                timeout,
                $"{count} silos active in the Redis membership table",
                () => string.Join("\n", silos.Select(s => $"silo {s.SiloPort} (exited: {s.Process.HasExited}): {s.Output}")));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection to this cluster's Redis (with its password, if it has one).</summary>
    public async Task<StackExchange.Redis.ConnectionMultiplexer> ConnectAsync()
    {
        var options = ProcessMesh.Silo.RedisEndpoint.Options(Redis.Endpoint, password: Redis.Password);
        options.AbortOnConnectFail = false; // outlives a Redis restart
        return await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The silo ports the membership table lists as active.</summary>
    public async Task<HashSet<int>> ActivePortsAsync(StackExchange.Redis.ConnectionMultiplexer connection)
    {
        var entries = await connection.GetDatabase().HashGetAllAsync($"{ServiceId}/members/{ClusterId}");
        var active = new HashSet<int>();
        foreach (var entry in entries.Where(e => e.Name != "Version"))
        {
            using var json = System.Text.Json.JsonDocument.Parse(entry.Value.ToString());
            if (json.RootElement.GetProperty("Status").GetInt32() == 3)
            {
                active.Add(PortOf(json.RootElement.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!));
            }
        }

        return active;
    }

    /// <summary>
    /// Waits until <paramref name="run"/> is in its measured phase on every silo (a coordinator placed, all
    /// <paramref name="workers"/> started, some on each) and returns the silo to kill: one that holds workers but neither the run's coordinator nor
    /// <paramref name="gateway"/>. Fails, with <paramref name="early"/>'s account, if the run ends first.
    /// </summary>
    public async Task<SiloProcess> VictimAsync(IGrainFactory grains, SiloProcess gateway, Task run, int workers, Func<Task<string>> early)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        SiloProcess? victim = null;
        await Loopback.WaitUntilAsync(
            async () =>
            {
                if (run.IsCompleted)
                {
                    throw new InvalidOperationException($"the run ended before a silo could be killed: {await early()}");
                }

                var hosts = await management.GetHosts(onlyActive: true);
                var statistics = await management.GetSimpleGrainStatistics([.. hosts.Keys]);
                var coordinators = statistics.Where(s => s.GrainType.Contains("CoordinatorGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
                    .Select(s => PortOf(s.SiloAddress.ToParsableString())).ToHashSet();
                var readings = await Task.WhenAll(hosts.Keys.Select(h => grains.GetGrain<ProcessMesh.Contracts.ISiloStatusGrain>(h.ToParsableString()).Read(TimeSpan.Zero)));
                if (coordinators.Count == 0 || readings.Length < Silos.Count || readings.Any(r => r.ProcessWorkers == 0) || readings.Sum(r => r.ProcessWorkers) < workers)
                {
                    // Not yet in its measured phase on every silo: a silo killed while some workers are still starting
                    // ends the run as lost in its start (under a load average of 58 it did, twice in a row).
                    return false;
                }

                victim = Silos.FirstOrDefault(s => s != gateway && !coordinators.Contains(s.SiloPort));
                return victim is not null;
            },
            TimeSpan.FromSeconds(90),
            "the run's workers on every silo");
        return victim!;
    }

    /// <summary>The silo port in a silo address (<c>ip:port@generation</c>).</summary>
    public static int PortOf(string address) => int.Parse(address.Split('@')[0].Split(':')[^1], CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            if (!silo.Process.HasExited)
            {
                Signals.Send(silo.Process.Id, "CONT"); // a frozen silo cannot be waited for
            }

            await silo.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}

/// <summary>POSIX signals to a process by id, through kill(1).</summary>
internal static class Signals
{
    /// <summary>Sends <paramref name="signal"/> (TERM, INT, KILL, STOP, CONT) to process <paramref name="pid"/>.</summary>
    public static void Send(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
