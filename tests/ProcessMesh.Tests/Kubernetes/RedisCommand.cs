using System.Net.Sockets;
using System.Text;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>Plain Redis commands (RESP over TCP) for the tests that hold a silo's membership writes.</summary>
internal static class RedisCommand
{
    /// <summary>
    /// Sends one command (words without spaces) to <paramref name="server"/>, after its password when it has one, and
    /// returns the first line of the reply (the refusal, if the password was refused), or null if nothing answered.
    /// </summary>
    public static Task<string?> SendAsync(Cluster.RedisServer server, params string[] words) =>
        SendAsync(server.Endpoint, server.Password is { } password ? ["AUTH", password] : null, words);

    private static async Task<string?> SendAsync(string endpoint, string[]? first, string[] words)
    {
        try
        {
            using var client = new TcpClient();
            var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            await client.ConnectAsync(host, port);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            if (first is not null)
            {
                await stream.WriteAsync(Request(first));
                if (await reader.ReadLineAsync() is not "+OK" and var refused)
                {
                    return refused;
                }
            }

            await stream.WriteAsync(Request(words));
            return await reader.ReadLineAsync();
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static byte[] Request(string[] words)
    {
        var request = new StringBuilder($"*{words.Length}\r\n");
        foreach (var word in words)
        {
            request.Append(System.Globalization.CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
        }

        return Encoding.UTF8.GetBytes(request.ToString());
    }
}
