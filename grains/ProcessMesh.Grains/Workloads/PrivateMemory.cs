namespace ProcessMesh.Grains.Workloads;

/// <summary>
/// A worker's own memory: a block that is really committed (every page touched), and an inbox into which an
/// arriving payload is copied, as IPC copies bytes into the receiving process.
/// </summary>
public static class PrivateMemory
{
    private const int PageBytes = 4096;

    /// <summary>Allocates <paramref name="bytes"/> and writes one byte of every page so the OS commits them.</summary>
    public static byte[] Allocate(long bytes, byte mark = 1)
    {
        var block = GC.AllocateUninitializedArray<byte>(checked((int)bytes));
        for (var i = 0; i < block.Length; i += PageBytes)
        {
            block[i] = mark;
        }

        return block;
    }

    /// <summary>Copies <paramref name="payload"/> into <paramref name="inbox"/> (grown when too small).</summary>
    public static void Receive(ref byte[] inbox, byte[] payload)
    {
        if (inbox.Length < payload.Length)
        {
            inbox = new byte[payload.Length];
        }

        payload.CopyTo(inbox, 0);
    }

    /// <summary>Receives a payload and reads it back: the load test's unit of work, the same in every model.</summary>
    public static long Echo(ref byte[] inbox, byte[] payload)
    {
        Receive(ref inbox, payload);
        long sum = payload.Length;
        foreach (var b in inbox.AsSpan(0, payload.Length))
        {
            sum += b;
        }

        return sum;
    }
}
