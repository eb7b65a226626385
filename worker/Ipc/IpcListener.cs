using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace ProcessMesh.Worker.Ipc;

/// <summary>
/// Where one process accepts links from others over one IPC. Its <see cref="Address"/> is all a peer needs to
/// <see cref="Connect"/>; a connecting peer names itself, so one listener serves every peer of a process.
/// </summary>
internal abstract partial class IpcListener : IDisposable
{
    /// <summary>What a peer passes to <see cref="Connect"/>: a path (pipe, uds) or <c>127.0.0.1:port</c> (tcp).</summary>
    public abstract string Address { get; }

    /// <summary>Waits for the next peer to connect; returns the name it gave and the link to it.</summary>
    public abstract (string Peer, IFrameLink Link) Accept();

    /// <inheritdoc />
    public abstract void Dispose();

    /// <summary>Listens over <paramref name="ipc"/>, keeping any files (FIFOs, socket) in <paramref name="directory"/> under <paramref name="name"/>.</summary>
    public static IpcListener Open(string ipc, string directory, string name) => ipc switch
    {
        IpcNames.Pipe => new FifoListener(Path.Combine(directory, name)),
        IpcNames.Uds => new SocketListener(new UnixDomainSocketEndPoint(Path.Combine(directory, name + ".sock")), Path.Combine(directory, name + ".sock")),
        IpcNames.Tcp => new SocketListener(new IPEndPoint(IPAddress.Loopback, 0), null),
        _ => throw new ArgumentException($"--ipc: '{ipc}' is not one of {string.Join(", ", IpcNames.All)}", nameof(ipc)),
    };

    /// <summary>Connects to the listener at <paramref name="address"/> over <paramref name="ipc"/>, naming this side <paramref name="self"/>.</summary>
    public static IFrameLink Connect(string ipc, string address, string self)
    {
        switch (ipc)
        {
            case IpcNames.Pipe:
                return FifoListener.Connect(address, self);
            case IpcNames.Uds:
                return SocketListener.Connect(new UnixDomainSocketEndPoint(address), AddressFamily.Unix, self);
            case IpcNames.Tcp:
                return SocketListener.Connect(IPEndPoint.Parse(address), AddressFamily.InterNetwork, self);
            default:
                throw new ArgumentException($"--ipc: '{ipc}' is not one of {string.Join(", ", IpcNames.All)}", nameof(ipc));
        }
    }

    /// <summary>Kind of the first frame on a socket link: the connecting side's name.</summary>
    private const byte Hello = 255;

    /// <summary>
    /// Listens on a stream socket (Unix or TCP). A connecting peer's first frame is its name.
    /// </summary>
    private sealed class SocketListener : IpcListener
    {
        private readonly Socket _socket;
        private readonly string? _path;

        public SocketListener(EndPoint endPoint, string? path)
        {
            _path = path;
            _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, path is null ? ProtocolType.Tcp : ProtocolType.Unspecified);
            _socket.Bind(endPoint);
            _socket.Listen(512);
            Address = path ?? ((IPEndPoint)_socket.LocalEndPoint!).ToString();
        }

        public override string Address { get; }

        public override (string Peer, IFrameLink Link) Accept()
        {
            var socket = _socket.Accept();
            if (_path is null)
            {
                socket.NoDelay = true;
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            var link = new StreamLink(stream, stream);
            var hello = link.Receive();
            return hello.Kind == Hello
                ? (Encoding.UTF8.GetString(hello.Body.Span), link)
                : throw new InvalidDataException($"a link's first frame was of kind {hello.Kind}, not its name");
        }

        public static IFrameLink Connect(EndPoint endPoint, AddressFamily family, string self)
        {
            var socket = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            try
            {
                socket.Connect(endPoint);
                if (family != AddressFamily.Unix)
                {
                    socket.NoDelay = true;
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            var link = new StreamLink(stream, stream);
            link.Send(Hello, Encoding.UTF8.GetBytes(self));
            return link;
        }

        public override void Dispose()
        {
            _socket.Dispose();
            if (_path is not null)
            {
                File.Delete(_path);
            }
        }
    }

    /// <summary>
    /// Listens with named kernel pipes (FIFOs). A connecting peer makes two FIFOs, <c>peer&gt;name</c> (what it sends)
    /// and <c>peer&lt;name</c> (what the listener sends back), then writes its name as one line into the listener's
    /// <c>name.accept</c> FIFO (a write under PIPE_BUF, so atomic among many peers); both sides then open the pair.
    /// Named from the connecting side, so the two directions are two FIFOs even when a worker links to itself (a lone
    /// pingpong worker, whose pinger and ponger threads shared one FIFO and read each other's messages as their own).
    /// Opening a FIFO blocks until its other end is opened, so each side opens its two ends at once.
    /// </summary>
    private sealed class FifoListener : IpcListener
    {
        private readonly string _path;
        private readonly FileStream _accept;

        public FifoListener(string path)
        {
            _path = path;
            MakeFifo(path + ".accept");
            // Read and write: the open does not wait for a writer, and the FIFO never reads end-of-file between peers.
            _accept = new FileStream(path + ".accept", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }

        public override string Address => _path;

        public override (string Peer, IFrameLink Link) Accept()
        {
            var line = new List<byte>();
            int b;
            while ((b = _accept.ReadByte()) != '\n')
            {
                line.Add(b >= 0 ? (byte)b : throw new EndOfStreamException("the accept FIFO closed"));
            }

            var peer = Encoding.UTF8.GetString([.. line]);
            var directory = Path.GetDirectoryName(_path)!;
            var self = Path.GetFileName(_path);
            return (peer, OpenPair(Path.Combine(directory, $"{peer}>{self}"), Path.Combine(directory, $"{peer}<{self}")));
        }

        public static IFrameLink Connect(string address, string self)
        {
            var directory = Path.GetDirectoryName(address)!;
            var name = Path.GetFileName(address);
            var inbound = Path.Combine(directory, $"{self}<{name}");
            var outbound = Path.Combine(directory, $"{self}>{name}");
            MakeFifo(inbound);
            MakeFifo(outbound);
            using (var accept = new FileStream(address + ".accept", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
                accept.Write(Encoding.UTF8.GetBytes(self + "\n"));
            }

            return OpenPair(inbound, outbound);
        }

        /// <summary>Opens the read end of <paramref name="inbound"/> and the write end of <paramref name="outbound"/> together.</summary>
        private static StreamLink OpenPair(string inbound, string outbound)
        {
            var reading = Task.Factory.StartNew(() => new FileStream(inbound, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0), TaskCreationOptions.LongRunning);
            var writing = new FileStream(outbound, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            return new StreamLink(reading.GetAwaiter().GetResult(), writing);
        }

        public override void Dispose()
        {
            _accept.Dispose();
            File.Delete(_path + ".accept");
        }

        private static void MakeFifo(string path)
        {
            if (MkFifo(path, 0b110_000_000) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 17) // EEXIST: the other side made it first
                {
                    throw new IOException($"mkfifo {path}: {Marshal.GetLastPInvokeErrorMessage()}");
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifo(string path, uint mode);
}
