using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Emulated;

/// <summary>The table says how its process workers were processes, and from whose calibration; for grain, nothing.</summary>
public sealed class EmulationTableTests
{
    private static RunResult Record(string emulate, string? ipc, string? footprint) => new()
    {
        Model = Models.Process,
        Workload = "pingpong",
        Workers = 2,
        Silos = 1,
        Work = 1_000,
        Granularity = 1,
        WallSeconds = 1,
        Throughput = 1_000,
        Correct = true,
        Machine = new MachineInfo { Cores = 2, MemoryBytes = 8L << 30, Gc = "server", Silos = 1, Runtime = "10.0" },
        Emulate = emulate,
        Ipc = ipc,
        Footprint = footprint,
        StartSeconds = 0.1,
        Calibration = emulate == Contracts.Emulation.Grain ? null : new CalibrationRef { Machine = "host", MeasuredAt = SyntheticCalibration.MeasuredAt },
    };

    private static string Table(RunResult run)
    {
        using var text = new StringWriter();
        new TableFormat(120).Write(new Report([run]), text);
        return text.ToString();
    }

    [Fact]
    public void An_emulated_run_names_its_profile_ipc_and_calibration()
    {
        var table = Table(Record(Contracts.Emulation.Python, "pipe", Contracts.Emulation.Held));

        Assert.Contains("processes emulated as python (multiprocessing pipe), calibrated on host, 2026-12-07 04:00 UTC", table, StringComparison.Ordinal);
        Assert.DoesNotContain("modelled", table, StringComparison.Ordinal);
    }

    [Fact]
    public void A_modelled_footprint_says_so()
    {
        var table = Table(Record(Contracts.Emulation.DotNet, "uds", Contracts.Emulation.Modelled));

        Assert.Contains("processes emulated as dotnet (Unix domain socket), calibrated on host", table, StringComparison.Ordinal);
        Assert.Contains("footprint modelled", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Grain_adds_no_line()
    {
        Assert.DoesNotContain("emulated", Table(Record(Contracts.Emulation.Grain, null, null)), StringComparison.Ordinal);
    }
}
