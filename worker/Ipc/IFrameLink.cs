namespace ProcessMesh.Worker.Ipc;

/// <summary>
/// A duplex link between two processes that carries whole frames: a 4-byte little-endian body length, a kind byte
/// and the body. Every IPC (<see cref="IpcNames"/>) is one of these; a protocol is written against this interface
/// only. Blocking: each side drives a link from one thread.
/// </summary>
internal interface IFrameLink : IDisposable
{
    /// <summary>Sends one frame of <paramref name="kind"/> carrying <paramref name="body"/>.</summary>
    void Send(byte kind, ReadOnlySpan<byte> body);

    /// <summary>
    /// Receives the next frame. Its body stays valid until the next call. Throws <see cref="EndOfStreamException"/>
    /// when the peer has closed its end (or died).
    /// </summary>
    Frame Receive();
}

/// <summary>One received frame: its kind and its body (a view of the link's buffer, valid until the next receive).</summary>
internal readonly record struct Frame(byte Kind, ReadOnlyMemory<byte> Body)
{
    /// <summary>The body read as one little-endian 64-bit integer at <paramref name="offset"/>.</summary>
    public long Int64(int offset = 0) => BitConverter.ToInt64(Body.Span[offset..(offset + sizeof(long))]);
}
