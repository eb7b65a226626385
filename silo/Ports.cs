using System.Net;
using System.Net.Sockets;

namespace ProcessMesh.Silo;

/// <summary>TCP ports, checked and claimed before the silo starts anything.</summary>
internal static class Ports
{
    /// <summary>
    /// Whether another process listens on <paramref name="port"/> (on any address, IPv4 or IPv6, as the silo binds).
    /// A port in use fails the start only after the silo has joined its cluster, with a message that names no
    /// setting; this lets the silo say which setting before it joins.
    /// </summary>
    public static bool InUse(int port)
    {
        using var socket = TryListen(port);
        return socket is null;
    }

    /// <summary>
    /// A socket listening on <paramref name="port"/> (0: one the kernel picks) on every address, IPv4 and IPv6, or
    /// null when another process listens there. Claiming the port this way leaves no gap between checking it and
    /// serving on it, so silos started together on one machine cannot both take it.
    /// </summary>
    public static Socket? TryListen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };

        // Connections of an earlier silo waiting out TIME_WAIT do not hold the port; a listener does. SO_REUSEADDR
        // alone says exactly that on Linux. (.NET's ReuseAddress also sets SO_REUSEPORT there, which would let every
        // silo on the machine listen on the same port.)
        if (OperatingSystem.IsLinux())
        {
            const int solSocket = 1, soReuseAddr = 2;
            socket.SetRawSocketOption(solSocket, soReuseAddr, BitConverter.GetBytes(1));
        }

        try
        {
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            socket.Listen();
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            return null;
        }
    }
}
