namespace ProcessMesh.Contracts;

/// <summary>
/// What an emulated process pays, read from a calibration: the one place the emulated costs live (docs/emulation.md).
/// The transport asks it, never a workload; the CLI prints it. Per message of a given size it gives the CPU the
/// sending and the receiving process burn and the latency beyond those (waited, not burned), each interpolated
/// linearly between the calibrated payload sizes; per process, its start and the memory it holds.
/// </summary>
public sealed class CostModel
{
    private readonly MessageCalibration[] _points;

    private CostModel(string profile, string ipc, Calibration calibration, ProcessCalibration process, MessageCalibration[] points)
    {
        Profile = profile;
        Ipc = ipc;
        Calibration = calibration;
        StartMicros = process.StartMicros;
        FootprintBytes = process.ResidentBytesPerExtra;
        _points = points;
    }

    /// <summary>
    /// What a grain call itself already costs one way on the silo that pays (latency and CPU per message,
    /// microseconds), taken off what the emulation adds: see <see cref="Paid"/>. Zero until measured.
    /// </summary>
    public (double OneWayMicros, double CpuMicros) GrainCall { get; private init; }

    /// <summary>This model with <paramref name="oneWayMicros"/> and <paramref name="cpuMicros"/> as what a grain call already costs.</summary>
    public CostModel WithGrainCall(double oneWayMicros, double cpuMicros) =>
        new(Profile, Ipc, Calibration, new ProcessCalibration { StartMicros = StartMicros, ResidentBytesPerExtra = FootprintBytes }, _points)
        {
            GrainCall = (Math.Max(0, oneWayMicros), Math.Max(0, cpuMicros)),
        };

    /// <summary>
    /// What one message of <paramref name="bytes"/> pays on top of the grain call that carries it, microseconds, so
    /// that the call and the payment together cost what the calibration says: CPU <c>S + R − c</c> (shared between
    /// the sides as S and R are), and a wait that makes the one-way latency <c>oneWay</c>:
    /// <c>max(0, oneWay − l − S′ − R′)</c>, where <c>l</c> and <c>c</c> are <see cref="GrainCall"/>'s latency and CPU.
    /// </summary>
    public (double SenderMicros, double ReceiverMicros, double WaitMicros) Paid(int bytes)
    {
        var (s, r) = (SenderCpuMicros(bytes), ReceiverCpuMicros(bytes));
        var (l, c) = GrainCall;
        var burned = Math.Max(0, s + r - c);
        var share = s + r > 0 ? burned / (s + r) : 0;
        var (sender, receiver) = (s * share, r * share);
        return (sender, receiver, Math.Max(0, OneWayMicros(bytes) - l - sender - receiver));
    }

    /// <summary><c>dotnet</c> or <c>python</c>.</summary>
    public string Profile { get; }

    /// <summary>The IPC emulated: <c>pipe</c>, <c>uds</c>, <c>tcp</c> or <c>queue</c>.</summary>
    public string Ipc { get; }

    /// <summary>The calibration the costs come from.</summary>
    public Calibration Calibration { get; }

    /// <summary>From spawn to the first answered message, microseconds: what starting one process costs.</summary>
    public double StartMicros { get; }

    /// <summary>What each process adds to the machine's memory (Pss per process with many running), bytes.</summary>
    public long FootprintBytes { get; }

    /// <summary>The payload sizes calibrated for this IPC, ascending.</summary>
    public IReadOnlyList<int> CalibratedSizes => [.. _points.Select(p => p.PayloadBytes)];

    /// <summary>The bytes one message of a run carries: its payload and the sequence number every protocol sends.</summary>
    public static int MessageBytes(RunSpec spec) => spec.PayloadBytes + sizeof(long);

    /// <summary>Half a calibrated round trip at <paramref name="bytes"/>, microseconds.</summary>
    public double OneWayMicros(int bytes) => Interpolate(bytes, p => p.OneWayMicros);

    /// <summary>CPU the sending process burns per message of <paramref name="bytes"/>, microseconds.</summary>
    public double SenderCpuMicros(int bytes) => Interpolate(bytes, p => p.SenderCpuMicros);

    /// <summary>CPU the receiving process burns per message of <paramref name="bytes"/>, microseconds.</summary>
    public double ReceiverCpuMicros(int bytes) => Interpolate(bytes, p => p.ReceiverCpuMicros);

    /// <summary>
    /// The latency of a message beyond the CPU both sides burn for it, microseconds, waited without a core:
    /// <c>max(0, oneWay − sender − receiver)</c>.
    /// </summary>
    public double WaitMicros(int bytes) => Math.Max(0, OneWayMicros(bytes) - SenderCpuMicros(bytes) - ReceiverCpuMicros(bytes));

    /// <summary>The profile's default IPC when <paramref name="ipc"/> is null (its first).</summary>
    public static string IpcOrDefault(string profile, string? ipc) => ipc ?? Emulation.IpcsOf(profile).FirstOrDefault() ?? "";

    /// <summary>How people call an IPC of a profile: "multiprocessing pipe", "Unix domain socket", ...</summary>
    public static string IpcName(string profile, string ipc) => (profile, ipc) switch
    {
        (Emulation.Python, "pipe") => "multiprocessing pipe",
        (Emulation.Python, "queue") => "multiprocessing queue",
        (_, "pipe") => "kernel pipe",
        (_, "uds") => "Unix domain socket",
        (_, "tcp") => "TCP loopback",
        _ => ipc,
    };

    /// <summary>One line a table prints: "processes emulated as python (multiprocessing pipe), calibrated on host, 2026-12-07 04:00 UTC".</summary>
    public string Describe() => Describe(Profile, Ipc, Calibration.Machine.Name, Calibration.MeasuredAt);

    /// <summary>The line of <see cref="Describe()"/> from a record's fields.</summary>
    public static string Describe(string profile, string ipc, string machine, DateTimeOffset measuredAt) =>
        $"processes emulated as {profile} ({IpcName(profile, ipc)}), calibrated on {machine}, {measuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    /// <summary>
    /// The costs of <paramref name="profile"/> over <paramref name="ipc"/> (null: the profile's first) from
    /// <paramref name="calibration"/>; null for <c>grain</c>, which pays nothing. Throws <see cref="RunRefusedException"/>,
    /// naming the setting, when the profile or IPC is unknown or the calibration lacks what it needs.
    /// </summary>
    public static CostModel? For(string profile, string? ipc, Calibration calibration)
    {
        if (profile == Emulation.Grain)
        {
            return null;
        }

        if (WhyNot(profile, ipc) is { } problem)
        {
            throw problem.Exception();
        }

        var chosen = IpcOrDefault(profile, ipc);
        var process = calibration.Process(profile)
            ?? throw new RunRefusedException(RefusedSetting.Emulate, $"the calibration of {calibration.Machine.Name} has no {profile} process (was it on PATH when it was measured?)");
        var points = calibration.ProcessMessages(profile, chosen).GroupBy(m => m.PayloadBytes).Select(g => g.First()).ToArray();
        return points.Length == 0
            ? throw new RunRefusedException(RefusedSetting.Ipc, $"the calibration of {calibration.Machine.Name} has no {profile} messages over {chosen}")
            : new CostModel(profile, chosen, calibration, process, points);
    }

    /// <summary>Null when <paramref name="profile"/> is known and has <paramref name="ipc"/> (null: its default), else why not.</summary>
    public static Refusal? WhyNot(string profile, string? ipc)
    {
        if (!Emulation.Profiles.Contains(profile))
        {
            return new Refusal(RefusedSetting.Emulate, $"unknown profile '{profile}' (one of {string.Join(", ", Emulation.Profiles)})");
        }

        var ipcs = Emulation.IpcsOf(profile);
        if (ipc is not null && !ipcs.Contains(ipc))
        {
            return new Refusal(
                RefusedSetting.Ipc,
                ipcs.Count == 0
                    ? $"a process emulated as {profile} sends no IPC messages (emulate dotnet or python)"
                    : $"a process emulated as {profile} has no '{ipc}' (it has {string.Join(", ", ipcs)})");
        }

        return null;
    }

    /// <summary>Linear between the two calibrated sizes around <paramref name="bytes"/>; below the smallest, the smallest's; above the largest, along the last segment.</summary>
    private double Interpolate(int bytes, Func<MessageCalibration, double> figure)
    {
        if (_points.Length == 1 || bytes <= _points[0].PayloadBytes)
        {
            return Math.Max(0, figure(_points[0]));
        }

        var i = 1;
        while (i < _points.Length - 1 && _points[i].PayloadBytes < bytes)
        {
            i++;
        }

        var (a, b) = (_points[i - 1], _points[i]);
        var t = (bytes - (double)a.PayloadBytes) / (b.PayloadBytes - a.PayloadBytes);
        return Math.Max(0, figure(a) + (t * (figure(b) - figure(a))));
    }
}
