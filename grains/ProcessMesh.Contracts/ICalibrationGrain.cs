using Orleans.Concurrency;

namespace ProcessMesh.Contracts;

/// <summary>
/// Calibrates the machine of one silo (its key is the silo's address, <c>SiloAddress.ToParsableString()</c>): the
/// grain is placed on that silo and nowhere else, so the processes and threads it measures run on that machine.
/// </summary>
public interface ICalibrationGrain : IGrainWithStringKey
{
    /// <summary>
    /// This machine's calibration: the cached one unless <paramref name="again"/> (or none, or only a quick one when
    /// a full one is asked for), else measured now and cached. <paramref name="quick"/>: the quick subset.
    /// </summary>
    Task<Calibration> Calibrate(bool quick, bool again);

    /// <summary>What the calibration on this silo is measuring now (answered while <see cref="Calibrate"/> runs).</summary>
    [AlwaysInterleave]
    Task<CalibrationProgress> Progress();

    /// <summary>The host name of the silo's machine (silos with the same one share a calibration).</summary>
    [AlwaysInterleave]
    Task<string> Host();
}

/// <summary>The step a calibration is on: its name, its number, how many there are, and the seconds it expects the rest to take.</summary>
[GenerateSerializer, Immutable, Alias("pm.CalibrationProgress")]
public sealed record CalibrationProgress
{
    /// <summary>What is being measured, e.g. "python: messages over queue"; empty when nothing is.</summary>
    [Id(0)] public string Step { get; init; } = "";

    /// <summary>The step's number, from 1; 0 when nothing is being measured.</summary>
    [Id(1)] public int Number { get; init; }

    /// <summary>Steps in all.</summary>
    [Id(2)] public int Of { get; init; }

    /// <summary>The expected seconds of the steps after this one (an estimate from the plan).</summary>
    [Id(3)] public double SecondsLeft { get; init; }
}
