using System.Net.Sockets;
using System.Text;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>Plain Redis commands (RESP over TCP) for the tests that hold a silo's membership writes.</summary>
internal static class RedisCommand
{
    /// <summary>Sends one command (words without spaces) and returns the first line of the reply, or null if nothing answered.</summary>
    public static async Task<string?> SendAsync(string endpoint, params string[] words)
    {
        try
        {
            using var client = new TcpClient();
            var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            await client.ConnectAsync(host, port);
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
}
