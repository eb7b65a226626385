using System.Buffers.Binary;

namespace ProcessMesh.Worker.Ipc;

/// <summary>
/// <see cref="IFrameLink"/> over a pair of byte streams: one kernel object each way (two FIFOs) or one duplex
/// socket. A frame is written with one write call (header and body copied into one buffer, as IPC copies) and
/// read with as many reads as the kernel needs.
/// </summary>
internal sealed class StreamLink(Stream input, Stream output) : IFrameLink
{
    /// <summary>Bytes before a frame's body: its length (int32, little-endian) and its kind.</summary>
    public const int HeaderBytes = 5;

    private byte[] _sendBuffer = new byte[256];
    private byte[] _receiveBuffer = new byte[256];
    private readonly byte[] _header = new byte[HeaderBytes];

    /// <inheritdoc />
    public void Send(byte kind, ReadOnlySpan<byte> body)
    {
        var length = HeaderBytes + body.Length;
        if (_sendBuffer.Length < length)
        {
            _sendBuffer = new byte[Math.Max(length, _sendBuffer.Length * 2)];
        }

        BinaryPrimitives.WriteInt32LittleEndian(_sendBuffer, body.Length);
        _sendBuffer[4] = kind;
        body.CopyTo(_sendBuffer.AsSpan(HeaderBytes));
        output.Write(_sendBuffer, 0, length);
    }

    /// <inheritdoc />
    public Frame Receive()
    {
        input.ReadExactly(_header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(_header);
        if (length < 0)
        {
            throw new InvalidDataException($"a frame of {length} bytes");
        }

        if (_receiveBuffer.Length < length)
        {
            _receiveBuffer = new byte[Math.Max(length, _receiveBuffer.Length * 2)];
        }

        input.ReadExactly(_receiveBuffer, 0, length);
        return new Frame(_header[4], _receiveBuffer.AsMemory(0, length));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        output.Dispose();
        if (!ReferenceEquals(input, output))
        {
            input.Dispose();
        }
    }
}
