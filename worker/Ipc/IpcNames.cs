namespace ProcessMesh.Worker.Ipc;

/// <summary>The IPCs a worker talks over, as the command line and <c>--ipc</c> spell them.</summary>
internal static class IpcNames
{
    /// <summary>A pair of named kernel pipes (FIFOs, <c>mkfifo</c>), one each way.</summary>
    public const string Pipe = "pipe";

    /// <summary>A Unix domain stream socket.</summary>
    public const string Uds = "uds";

    /// <summary>A TCP connection over loopback (Nagle off).</summary>
    public const string Tcp = "tcp";

    /// <summary>Every IPC, the default first.</summary>
    public static IReadOnlyList<string> All { get; } = [Pipe, Uds, Tcp];
}
