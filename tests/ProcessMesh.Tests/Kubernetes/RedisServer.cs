using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>A real redis-server on a free loopback port, for membership; disposing it stops it.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary><c>host:port</c>, as <c>ProcessMesh__Redis</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts redis-server (from the redis-server package that test.sh installs) and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var port = SiloProcess.FreePort();
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", SiloProcess.Text(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Path.GetTempPath() })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed: ./test.sh installs it (apt-get install redis-server)", e);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisServer(process, port);
        var clock = Stopwatch.StartNew();
        while (await redis.CommandAsync("PING") != "+PONG")
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                await redis.DisposeAsync();
                throw new TimeoutException($"redis-server on port {port} did not answer PING within 30 s");
            }

            await Task.Delay(20);
        }

        return redis;
    }

    /// <summary>Sends one command (words without spaces) and returns the first line of the reply, or null if nothing answered.</summary>
    public async Task<string?> CommandAsync(params string[] words)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            var request = new StringBuilder($"*{words.Length}\r\n");
            foreach (var word in words)
            {
                request.Append(System.Globalization.CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadLineAsync();
        }
        catch (SocketException)
        {
            return null;
        }
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
