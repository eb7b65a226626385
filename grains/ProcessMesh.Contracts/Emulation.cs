namespace ProcessMesh.Contracts;

/// <summary>The ways a <c>process</c> worker can be a process (<c>--emulate</c>), and the IPCs each one has.</summary>
public static class Emulation
{
    /// <summary>A grain and nothing added: what Orleans costs.</summary>
    public const string Grain = "grain";

    /// <summary>A .NET OS process, from the calibration.</summary>
    public const string DotNet = "dotnet";

    /// <summary>A CPython OS process (multiprocessing), from the calibration.</summary>
    public const string Python = "python";

    /// <summary>The footprint is allocated and touched.</summary>
    public const string Held = "held";

    /// <summary>The footprint is counted, not allocated.</summary>
    public const string Modelled = "modelled";

    /// <summary>Every profile, in the order tables list them.</summary>
    public static IReadOnlyList<string> Profiles { get; } = [Grain, DotNet, Python];

    /// <summary>The IPCs a profile has; the first is its default. <c>grain</c> has none.</summary>
    public static IReadOnlyList<string> IpcsOf(string profile) => profile switch
    {
        DotNet => ["pipe", "uds", "tcp"],
        Python => ["pipe", "queue"],
        _ => [],
    };

    /// <summary>The IPCs real OS workers (<c>--model os</c>) talk over; the first is the default.</summary>
    public static IReadOnlyList<string> OsIpcs { get; } = ["pipe", "uds", "tcp"];
}
