using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Worker.Modes;

/// <summary>
/// <c>echo --ipc I --connect ADDRESS [--name NAME]</c>: the peer of <c>ipc-bench</c>. Connects to the bench (as
/// NAME, default <c>echo</c>: each of a round robin's peers has its own), then answers each frame by its kind
/// (<see cref="EchoKinds"/>) until the link closes.
/// </summary>
internal static class Echo
{
    public static int Run(Options options)
    {
        using var link = IpcListener.Connect(options.Text("--ipc"), options.Text("--connect"), options.Text("--name", "echo"));
        Span<byte> cpu = stackalloc byte[sizeof(long)];
        while (true)
        {
            Frame frame;
            try
            {
                frame = link.Receive();
            }
            catch (EndOfStreamException)
            {
                return 0;
            }

            switch (frame.Kind)
            {
                case EchoKinds.Bounce:
                    link.Send(EchoKinds.Bounce, frame.Body.Span);
                    break;
                case EchoKinds.Swallow:
                    break;
                case EchoKinds.Cpu:
                    BitConverter.TryWriteBytes(cpu, Environment.CpuUsage.TotalTime.Ticks);
                    link.Send(EchoKinds.Cpu, cpu);
                    break;
                case EchoKinds.Done:
                    return 0;
                default:
                    throw new InvalidDataException($"echo: a frame of unknown kind {frame.Kind}");
            }
        }
    }
}

/// <summary>The frames <c>ipc-bench</c> sends its echo peer.</summary>
internal static class EchoKinds
{
    /// <summary>Send the body back.</summary>
    public const byte Bounce = 1;

    /// <summary>Receive the body and send nothing (a one-way stream).</summary>
    public const byte Swallow = 2;

    /// <summary>Reply with this process's CPU time so far (100 ns ticks, int64), after every frame before it.</summary>
    public const byte Cpu = 3;

    /// <summary>Exit.</summary>
    public const byte Done = 4;
}
