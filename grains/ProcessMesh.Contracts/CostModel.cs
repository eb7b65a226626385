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
    private readonly ProcessCalibration _process;

    /// <summary>What a message pays on top of a quiet pair's figures when the processes are fully crowded (<see cref="Crowding"/> 1): one way, sender CPU, receiver CPU, microseconds.</summary>
    private readonly (double OneWay, double Sender, double Receiver) _crowded;

    private CostModel(string profile, string ipc, Calibration calibration, ProcessCalibration process, MessageCalibration[] points)
    {
        Profile = profile;
        Ipc = ipc;
        Calibration = calibration;
        StartMicros = process.StartMicros;
        FootprintBytes = process.ResidentBytesPerExtra;
        _process = process;
        _points = points;
        _crowded = CrowdedExtra(calibration, process);
    }

    private CostModel(CostModel model)
        : this(model.Profile, model.Ipc, model.Calibration, model._process, model._points)
    {
        GrainCall = model.GrainCall;
        CarryingCpuMicros = model.CarryingCpuMicros;
        Crowding = model.Crowding;
        Workers = model.Workers;
    }

    /// <summary>
    /// How crowded the run's processes are, from 0 (no more processes than the machine's cores: a message costs what
    /// it costs between a quiet pair) to 1 (as many as the calibration crowded together, or more): see
    /// <see cref="ForWorkers"/>.
    /// </summary>
    public double Crowding { get; private init; }

    /// <summary>
    /// Whether the run has more processes on this machine (<see cref="Workers"/>) than the machine has cores, contention
    /// figures or not: then a process woken by a message waits for a core behind the others, and an emulated one waits
    /// its turn behind the silo's other runnable work (docs/emulation.md, "A crowd's turns").
    /// </summary>
    public bool Crowded => Workers > Math.Max(1, Calibration.Machine.Cores);

    /// <summary>The run's workers this model was made for (<see cref="ForWorkers"/>); 0 when not asked.</summary>
    public int Workers { get; private init; }

    /// <summary>
    /// This model for a run of <paramref name="workers"/> processes on the calibrated machine's cores <c>k</c>: with
    /// <c>w ≤ k</c> a message costs what a quiet pair's does; beyond, each pays the calibration's contention (a woken
    /// process's one way, a crowd's CPU per message) in the measure <c>(w − k) / (N − k)</c> of the way to the crowd of
    /// <c>N</c> it was measured in, all of it from <c>N</c> on (docs/emulation.md, "Crowded processes"). A calibration
    /// without contention figures pays none.
    /// </summary>
    public CostModel ForWorkers(int workers)
    {
        var cores = Math.Max(1, Calibration.Machine.Cores);
        var crowd = _process.Contention?.Processes ?? 0;
        var crowding = workers <= cores || crowd == 0 ? 0 : crowd <= cores ? 1 : Math.Clamp((workers - cores) / (double)(crowd - cores), 0, 1);
        return new CostModel(this) { Crowding = crowding, Workers = workers };
    }

    /// <summary>
    /// This model for the workers of a run of <paramref name="workers"/> processes placed by <paramref name="placement"/>
    /// that share a machine with silo <paramref name="rank"/> of <paramref name="hosts"/> (each active silo's host, in the
    /// order the placement deals ranks to them): <see cref="ForWorkers"/> of <see cref="WorkersOnHost"/>. A machine's
    /// processes crowd its own cores only: 16 workers spread over two machines of 2 cores are 8 on each, not 16 on one.
    /// </summary>
    public CostModel ForWorkersOn(int workers, string placement, IReadOnlyList<string> hosts, int rank) =>
        ForWorkers(WorkersOnHost(workers, placement, hosts, rank));

    /// <summary>
    /// How many of a run's <paramref name="workers"/> live on the machine of silo <paramref name="rank"/> among
    /// <paramref name="hosts"/> (each active silo's host, in the order <c>spread</c> deals ranks to them; silos on one
    /// host share its cores): <c>spread</c> deals rank r to silo r mod S, so it counts the ranks dealt to every silo of
    /// that host; <c>local</c> holds them all on the coordinator's silo, so a silo that holds any holds all;
    /// <c>default</c> (random) expects the host's share, rounded up. With no silo listed, all of them.
    /// </summary>
    public static int WorkersOnHost(int workers, string placement, IReadOnlyList<string> hosts, int rank)
    {
        if (hosts.Count <= 1 || rank < 0 || rank >= hosts.Count || placement == Placements.Local)
        {
            return workers;
        }

        var here = hosts[rank];
        var silosHere = Enumerable.Range(0, hosts.Count).Where(j => hosts[j] == here).ToList();
        if (placement == Placements.Spread)
        {
            return silosHere.Sum(j => (workers / hosts.Count) + (j < workers % hosts.Count ? 1 : 0));
        }

        return (int)Math.Ceiling(workers * (double)silosHere.Count / hosts.Count);
    }

    /// <summary>
    /// What the calibration's contention figures add to a quiet pair's at full crowding: the woken one way over the
    /// quiet pair's at the same IPC and size, and the crowd's CPU per message over the pair's, split between the sides
    /// as the pair's is. Never negative; zero without contention figures.
    /// </summary>
    private static (double OneWay, double Sender, double Receiver) CrowdedExtra(Calibration calibration, ProcessCalibration process)
    {
        if (process.Contention is not { } contention
            || calibration.ProcessMessages(process.Kind, contention.Ipc).Where(m => m.PayloadBytes >= contention.PayloadBytes).MinBy(m => m.PayloadBytes) is not { } quiet)
        {
            return default;
        }

        var cpu = quiet.SenderCpuMicros + quiet.ReceiverCpuMicros;
        var extraCpu = Math.Max(0, contention.PairsCpuMicros - cpu);
        var senderShare = cpu > 0 ? quiet.SenderCpuMicros / cpu : 0.5;
        return (Math.Max(0, contention.WokenOneWayMicros - quiet.OneWayMicros), extraCpu * senderShare, extraCpu * (1 - senderShare));
    }

    /// <summary>
    /// What a grain call itself already costs one way on the silo that pays (latency and CPU per message,
    /// microseconds), taken off what the emulation adds: see <see cref="Paid"/>. Zero until measured.
    /// </summary>
    public (double OneWayMicros, double CpuMicros) GrainCall { get; private init; }

    /// <summary>This model with <paramref name="oneWayMicros"/> and <paramref name="cpuMicros"/> as what a grain call already costs.</summary>
    public CostModel WithGrainCall(double oneWayMicros, double cpuMicros) =>
        new(this)
        {
            GrainCall = (Math.Max(0, oneWayMicros), Math.Max(0, cpuMicros)),
        };

    /// <summary>
    /// What carrying a message as an emulated process costs in CPU beyond the bare grain call (<see cref="GrainCall"/>'s
    /// <c>c</c>) and the burns it asks, microseconds per message (<c>e</c>): the call filter's own steps, the sender's
    /// stamp, the waits' hops through the timer and back, the overlapped burn's queueing, and whatever more CPU the
    /// burns take on the silo than they count (interrupts inside a spin). Probed on the silo for each run with the run's
    /// own costs and crowd (<c>ProcessCosts</c>), taken off the burn as <c>c</c> is; zero until probed.
    /// </summary>
    public double CarryingCpuMicros { get; private init; }

    /// <summary>This model with <paramref name="cpuMicros"/> as what carrying a message costs beyond the bare call and its burns (<see cref="CarryingCpuMicros"/>).</summary>
    public CostModel WithCarrying(double cpuMicros) =>
        new(this)
        {
            CarryingCpuMicros = Math.Max(0, cpuMicros),
        };

    /// <summary>
    /// What one message of <paramref name="bytes"/> pays on top of the grain call that carries it, microseconds, so
    /// that the call and the payment together cost what the calibration says (docs/emulation.md, "The cost model").
    /// CPU to burn <c>X = max(0, S + R − c − e)</c>; latency to add <c>Y = max(0, oneWay − l)</c>, where <c>l</c> and
    /// <c>c</c> are <see cref="GrainCall"/>'s latency and CPU and <c>e</c> the carrying's own (<see cref="CarryingCpuMicros"/>). On the message's path goes as much of <c>X</c> as the
    /// latency holds, <c>P = min(X, Y)</c>, shared between the sides as S and R are (<c>S′</c>, <c>R′</c>); the rest,
    /// <c>O = X − P</c>, is the CPU the two real processes must have run at once (their CPU exceeds the latency), and
    /// is burned beside the path, not on it; what the latency holds beyond <c>P</c> is waited, <c>W′ = Y − P</c>.
    /// </summary>
    public (double SenderMicros, double ReceiverMicros, double OverlappedMicros, double WaitMicros) Paid(int bytes) =>
        Split(Budget(bytes), GrainCall.OneWayMicros);

    /// <summary>
    /// What one message of <paramref name="bytes"/> must cost in all, microseconds: its one way, the CPU the emulation
    /// burns for it (<c>X = max(0, S + R − c − e)</c>, the grain call's own CPU <c>c</c> and the carrying's <c>e</c> taken off) and the sender's share of
    /// that CPU (<c>S / (S + R)</c>). <see cref="Split"/> turns it into what a message pays once the latency its grain
    /// call took is known.
    /// </summary>
    public (double OneWayMicros, double BurnMicros, double SenderShare) Budget(int bytes)
    {
        var (s, r) = (SenderCpuMicros(bytes), ReceiverCpuMicros(bytes));
        return (OneWayMicros(bytes), Math.Max(0, s + r - GrainCall.CpuMicros - CarryingCpuMicros), s + r > 0 ? s / (s + r) : 0.5);
    }

    /// <summary>
    /// What a message of <paramref name="budget"/> pays on top of a grain call that took <paramref name="callMicros"/>
    /// one way (<see cref="Paid"/>'s rule, microseconds): the latency still to add, <c>Y = max(0, oneWay − l)</c>; on
    /// the path as much of the burn as it holds, <c>P = min(X, Y)</c>, split between the sides; the rest of the burn
    /// beside the path; the rest of the latency waited.
    /// </summary>
    public static (double SenderMicros, double ReceiverMicros, double OverlappedMicros, double WaitMicros) Split(
        (double OneWayMicros, double BurnMicros, double SenderShare) budget, double callMicros)
    {
        var latency = Math.Max(0, budget.OneWayMicros - callMicros);
        var onPath = Math.Min(budget.BurnMicros, latency);
        return (onPath * budget.SenderShare, onPath * (1 - budget.SenderShare), budget.BurnMicros - onPath, latency - onPath);
    }

    /// <summary>
    /// How much longer than the whole one way of <paramref name="budget"/> a grain call that took
    /// <paramref name="callMicros"/> already took, microseconds: <c>max(0, l − oneWay)</c>. <see cref="Split"/> cannot add
    /// less than nothing to such a message, so the emulated process owes it and takes it off its later messages' waits
    /// (docs/emulation.md, "Waited latency"); left out, every call slower than a message's one way made the mean message
    /// slower than the calibration says.
    /// </summary>
    public static double Beyond((double OneWayMicros, double BurnMicros, double SenderShare) budget, double callMicros) =>
        Math.Max(0, callMicros - budget.OneWayMicros);

    /// <summary><c>dotnet</c> or <c>python</c>.</summary>
    public string Profile { get; }

    /// <summary>The IPC emulated: <c>pipe</c>, <c>uds</c>, <c>tcp</c> or <c>queue</c>.</summary>
    public string Ipc { get; }

    /// <summary>The calibration the costs come from.</summary>
    public Calibration Calibration { get; }

    /// <summary>From spawn to the first answered message, microseconds: what starting one process costs.</summary>
    public double StartMicros { get; }

    /// <summary>What each process adds to the machine's memory (Pss per process with the most calibrated running), bytes.</summary>
    public long FootprintBytes { get; }

    /// <summary>
    /// What each process holds when <paramref name="running"/> of its kind run at once, bytes: the mean Pss per process
    /// the calibration measured with 1, 8 and 64 running, the definition <c>--model os</c> reports (its workers' mean
    /// Pss). Pss is a process's private pages plus its share of the pages it shares, so with n running it is
    /// <c>a + b / n</c>: fitted through the two calibrated crowds around <paramref name="running"/> (beyond the largest,
    /// the last two's fit, tending to the private part <c>a</c>; below the smallest, the smallest's). Without crowds,
    /// <see cref="FootprintBytes"/>.
    /// </summary>
    public long FootprintBytesFor(int running)
    {
        var crowds = _process.Crowds.Where(c => c.Running > 0 && c.PssBytes > 0).OrderBy(c => c.Running).ToArray();
        if (crowds.Length < 2 || running <= crowds[0].Running)
        {
            return crowds.Length == 0 ? FootprintBytes : crowds[0].PssBytes;
        }

        var i = 1;
        while (i < crowds.Length - 1 && crowds[i].Running < running)
        {
            i++;
        }

        var (m, n) = (crowds[i - 1], crowds[i]);
        var b = (m.PssBytes - n.PssBytes) / ((1.0 / m.Running) - (1.0 / n.Running));
        var a = n.PssBytes - (b / n.Running);
        return (long)Math.Max(0, a + (b / running));
    }

    /// <summary>
    /// What starting one process pays, microseconds: the CPU its start burns (burned) and the rest of a lone start's
    /// wall time, from spawn to its first answered message (waited): <c>(C, max(0, W − C))</c>. Started n at once on
    /// k cores, the burns share the cores and the waits overlap, so the n starts take about <c>n × C / k + (W − C)</c>, as
    /// n real processes do. A calibration without the start's CPU (older files) burns all of <c>W</c>.
    /// </summary>
    public (double CpuMicros, double WaitMicros) StartPaid() =>
        _process.StartCpuMicros > 0
            ? (_process.StartCpuMicros, Math.Max(0, StartMicros - _process.StartCpuMicros))
            : (StartMicros, 0);

    /// <summary>
    /// What starting one process pays when <paramref name="running"/> start at once on the machine, microseconds
    /// (burned, waited). The calibration's crowds (1, 8 and 64 of the .NET kind's os model workers, started at once and
    /// wired: format 3) give the CPU each process of a crowd burned by its <c>ready</c>; the burn is that CPU,
    /// interpolated linearly between the two crowds around <paramref name="running"/> (below the smallest, the
    /// smallest's; beyond the largest, the largest's), and the wait is a lone start's wall time beyond its CPU, so
    /// <c>n</c> started at once on <c>k</c> cores take about <c>n × burn / k + wait</c>. The CPU, not the crowd's wall
    /// time, because another program's load on the calibrated machine stretches the wall time and not the CPU. Without
    /// crowd CPU figures, <see cref="StartPaid()"/>, a lone start's.
    /// </summary>
    public (double CpuMicros, double WaitMicros) StartPaidFor(int running)
    {
        var crowds = _process.Crowds.Where(c => c.Running > 0 && c.StartCpuMicros > 0).OrderBy(c => c.Running).ToArray();
        var (_, wait) = StartPaid();
        if (crowds.Length == 0)
        {
            return StartPaid();
        }

        if (running <= crowds[0].Running || crowds.Length == 1)
        {
            return (crowds[0].StartCpuMicros, wait);
        }

        if (running >= crowds[^1].Running)
        {
            return (crowds[^1].StartCpuMicros, wait);
        }

        var i = 1;
        while (crowds[i].Running < running)
        {
            i++;
        }

        var (m, n) = (crowds[i - 1], crowds[i]);
        var t = (running - (double)m.Running) / (n.Running - m.Running);
        return (m.StartCpuMicros + (t * (n.StartCpuMicros - m.StartCpuMicros)), wait);
    }

    /// <summary>The payload sizes calibrated for this IPC, ascending.</summary>
    public IReadOnlyList<int> CalibratedSizes => [.. _points.Select(p => p.PayloadBytes)];

    /// <summary>The bytes one message of a run carries: its payload and the sequence number every protocol sends.</summary>
    public static int MessageBytes(RunSpec spec) => spec.PayloadBytes + sizeof(long);

    /// <summary>Half a calibrated round trip at <paramref name="bytes"/>, and what <see cref="Crowding"/> adds, microseconds.</summary>
    public double OneWayMicros(int bytes) => Interpolate(bytes, p => p.OneWayMicros) + (Crowding * _crowded.OneWay);

    /// <summary>CPU the sending process burns per message of <paramref name="bytes"/>, and what <see cref="Crowding"/> adds, microseconds.</summary>
    public double SenderCpuMicros(int bytes) => Interpolate(bytes, p => p.SenderCpuMicros) + (Crowding * _crowded.Sender);

    /// <summary>CPU the receiving process burns per message of <paramref name="bytes"/>, and what <see cref="Crowding"/> adds, microseconds.</summary>
    public double ReceiverCpuMicros(int bytes) => Interpolate(bytes, p => p.ReceiverCpuMicros) + (Crowding * _crowded.Receiver);

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
