namespace ProcessMesh.Worker.Ipc;

/// <summary>
/// A one-way byte pipe inside this process: what one thread writes, another reads, in order, blocking while it is
/// empty. Two of them under a <see cref="StreamLink"/> make an in-memory link (<see cref="Pair"/>), which carries a
/// worker's protocol without any other process or kernel object (the mesh worker's rehearsal, <c>Modes/MeshRehearsal.cs</c>). Disposing it
/// ends it: a blocked reader reads end-of-stream, a writer fails.
/// </summary>
internal sealed class MemoryPipe : Stream
{
    private readonly object _gate = new();
    private byte[] _buffer = new byte[256];
    private int _start, _count;
    private bool _closed;

    /// <summary>Two ends of an in-memory duplex link: what one sends, the other receives.</summary>
    public static (StreamLink A, StreamLink B) Pair()
    {
        var (toB, toA) = (new MemoryPipe(), new MemoryPipe());
        return (new StreamLink(toA, toB), new StreamLink(toB, toA));
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        lock (_gate)
        {
            while (_count == 0 && !_closed)
            {
                Monitor.Wait(_gate);
            }

            var n = Math.Min(_count, buffer.Length);
            _buffer.AsSpan(_start, n).CopyTo(buffer);
            _start += n;
            _count -= n;
            return n;
        }
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new IOException("the in-memory pipe is closed");
            }

            if (_start + _count + buffer.Length > _buffer.Length)
            {
                var target = _count + buffer.Length > _buffer.Length ? new byte[Math.Max(2 * _buffer.Length, _count + buffer.Length)] : _buffer;
                _buffer.AsSpan(_start, _count).CopyTo(target);
                _buffer = target;
                _start = 0;
            }

            buffer.CopyTo(_buffer.AsSpan(_start + _count));
            _count += buffer.Length;
            Monitor.PulseAll(_gate);
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        base.Dispose(disposing);
    }
}
