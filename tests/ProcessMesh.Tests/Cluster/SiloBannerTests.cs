using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// A standalone silo says it is ready in one line that names every port it serves, and serves HTTP on the address
/// its silo and gateway ports listen on (loopback for a localhost silo), not on every interface.
/// </summary>
public sealed class SiloBannerTests
{
    [Fact]
    public async Task A_ready_silo_prints_one_line_with_every_port_and_binds_http_where_it_binds_the_rest()
    {
        var httpPort = Loopback.FreePort();
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture) });

        var banner = await silo.Listening.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Contains($"silo 127.0.0.1:{silo.SiloPort}, gateway 127.0.0.1:{silo.GatewayPort}, http 127.0.0.1:{httpPort} (probes, /metrics)", banner, StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health/ready"))).StatusCode);

        // Ready (it answered above), the silo has printed its one line and nothing else of its own (Orleans' own
        // warnings, which a loaded machine may add, are not ProcessMesh's lines).
        var own = silo.Log.Where(l => l.Contains("ProcessMesh.Silo.", StringComparison.Ordinal)).ToList();
        Assert.True(own.Count == 1, $"the silo printed {own.Count} lines of its own:\n{string.Join('\n', own)}");
        Assert.DoesNotContain(silo.Errors, l => l.Length > 0);

        // Bound to 127.0.0.1 only, like the silo and gateway ports: another loopback address reaches none of them
        // (a socket bound to every interface would accept on 127.0.0.2 too).
        foreach (var port in new[] { silo.SiloPort, silo.GatewayPort, httpPort })
        {
            Assert.True(await RefusedAsync(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port)), $"port {port} answers on 127.0.0.2: bound to more than 127.0.0.1");
        }
    }

    private static async Task<bool> RefusedAsync(IPEndPoint endpoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint).WaitAsync(TimeSpan.FromSeconds(10));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }
}
