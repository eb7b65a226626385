namespace ProcessMesh.Contracts;

/// <summary>The setting of a request that a cluster refused, by the name the request gives it (the CLI maps it to its option).</summary>
public enum RefusedSetting
{
    /// <summary>The concurrency model.</summary>
    Model,

    /// <summary>The workload.</summary>
    Workload,

    /// <summary>The worker count.</summary>
    Workers,

    /// <summary>The total work.</summary>
    Work,

    /// <summary>The private memory per worker (with the worker count: what admission weighs).</summary>
    Memory,

    /// <summary>A load test's population (with its private memory per grain: what admission weighs).</summary>
    Grains,

    /// <summary>The IPC a process worker talks over (emulated, or real in the os model).</summary>
    Ipc,

    /// <summary>The payload bytes per message.</summary>
    Payload,

    /// <summary>The kind of process a process worker emulates, and the calibration it is emulated from.</summary>
    Emulate,

    /// <summary>A calibration handed in with the request (a file), which must describe the machine that uses it.</summary>
    Calibration,
}

/// <summary>Why a request is refused: the setting, and the reason in the cluster's terms (never a command-line flag).</summary>
/// <param name="Setting">The setting refused.</param>
/// <param name="Reason">Why, in one line.</param>
public sealed record Refusal(RefusedSetting Setting, string Reason)
{
    /// <summary>The refusal as the exception a grain throws.</summary>
    public RunRefusedException Exception() => new(Setting, Reason);
}

/// <summary>
/// A request the cluster will not run as asked (a model that does not run a workload, a run that does not fit the
/// silo's memory): typed, so a caller can name its own option for <see cref="Setting"/>; the message says why in
/// the cluster's terms and never names a command-line flag. Not an <see cref="ArgumentException"/>: one refused
/// run of a comparison is a failed row, and the others are kept.
/// </summary>
[GenerateSerializer, Alias("pm.RunRefusedException")]
public sealed class RunRefusedException : Exception
{
    /// <summary>An empty refusal (for serialization).</summary>
    public RunRefusedException()
    {
    }

    /// <summary>A refusal of <paramref name="setting"/>, for <paramref name="reason"/>.</summary>
    public RunRefusedException(RefusedSetting setting, string reason)
        : base(reason) => Setting = setting;

    /// <summary>A refusal with no setting to blame.</summary>
    public RunRefusedException(string reason)
        : base(reason)
    {
    }

    /// <summary>A refusal with the exception that caused it.</summary>
    public RunRefusedException(string reason, Exception inner)
        : base(reason, inner)
    {
    }

    /// <summary>The setting refused.</summary>
    [Id(0)] public RefusedSetting Setting { get; set; }
}
