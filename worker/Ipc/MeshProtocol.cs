namespace ProcessMesh.Worker.Ipc;

/// <summary>
/// The <c>mesh</c> mode's protocol, shared by the worker and the silo that runs it (the os model). Control runs
/// over the worker's stdin and stdout, one line each; data runs worker to worker (or silo to worker for <c>cpu</c>)
/// over an <see cref="IFrameLink"/>.
/// <list type="number">
/// <item>worker → silo: <c>listen ADDRESS</c> (its <see cref="IpcListener"/>, open before anyone connects)</item>
/// <item>silo → worker: <c>peers A0 A1 …</c> (every worker's address, by index)</item>
/// <item>worker → silo: <c>ready</c> (its links are open: connected out, accepted in)</item>
/// <item>silo → worker: <c>go</c> (the measured phase starts)</item>
/// <item>worker → silo: <c>done ANSWER MESSAGES PAYLOADBYTES SENT DELIVERED UNITS CPUMICROS HISTOGRAM [FAILURE…]</c>
/// once its part is over, or at once after <c>stop</c> (the histogram is HdrHistogram V2, base64; <c>-</c> when empty)</item>
/// <item>silo → worker, at any time after <c>go</c>: <c>count</c>; worker → silo: <c>count MESSAGES CPUMICROS</c> (what it
/// has counted so far and its process's CPU since <c>ready</c>: how the calibration reads a crowd of workers whose
/// phase has no end, <c>Calibrate/MeshCrowd.cs</c>)</item>
/// <item>silo → worker, at any time after <c>go</c>: <c>jit</c>; worker → silo: <c>jit METHODS MICROS</c> (the methods its
/// process compiled since <c>ready</c> and the JIT time: none, as it rehearses its protocol before <c>ready</c>,
/// <c>Modes/MeshRehearsal.cs</c>; how a test checks that)</item>
/// <item>silo closes stdin: the worker exits.</item>
/// </list>
/// </summary>
internal static class MeshProtocol
{
    /// <summary>The workloads a mesh runs.</summary>
    public static IReadOnlyList<string> Workloads { get; } = ["cpu", "pingpong", "ring", "counter"];

    /// <summary>Silo → cpu worker: units [first int64][count int64][payload].</summary>
    public const byte Compute = 10;

    /// <summary>cpu worker → silo: the chunk's partial sum [uint64].</summary>
    public const byte Partial = 11;

    /// <summary>No more frames on this link (cpu: from the silo; counter: from a client to the owner).</summary>
    public const byte Done = 12;

    /// <summary>pingpong: [sequence int64][payload].</summary>
    public const byte Ping = 20;

    /// <summary>pingpong: [sequence + 1 int64][payload].</summary>
    public const byte Pong = 21;

    /// <summary>ring: [hop int64][value uint64][payload].</summary>
    public const byte Token = 30;

    /// <summary>ring: the last hop was taken; pass it on once around the ring and stop.</summary>
    public const byte Stop = 31;

    /// <summary>counter, client → owner: [delta int64][payload].</summary>
    public const byte Increment = 40;

    /// <summary>counter, owner → client: the increment was applied.</summary>
    public const byte Ack = 41;

    /// <summary>The listener name of worker <paramref name="index"/> (and the name it connects as).</summary>
    public static string Name(int index) => $"w{index}";

    /// <summary>The listener name of the silo (cpu).</summary>
    public const string Silo = "silo";

    /// <summary>
    /// The workers that worker <paramref name="index"/> of <paramref name="workers"/> connects to for
    /// <paramref name="workload"/> (the silo, for <c>cpu</c>, is not among them), and how many connect to it.
    /// </summary>
    public static (IReadOnlyList<int> Out, int In) Links(string workload, int index, int workers)
    {
        switch (workload)
        {
            case "pingpong":
                if (workers == 1)
                {
                    return ([0], 1); // a lone worker bounces off itself
                }

                var pairs = Math.Max(1, workers / 2);
                if (index / 2 >= pairs)
                {
                    return ([], 0); // the odd worker out
                }

                return index % 2 == 0 ? ([index + 1], 0) : ([], 1);
            case "ring":
                return ([(index + 1) % workers], 1);
            case "counter":
                return index == 0 ? ([], workers - 1) : ([0], 0);
            default:
                return ([], 0);
        }
    }
}
