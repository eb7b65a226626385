using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// A calibration written by the test, not measured: every emulated cost is a figure the test chose, so what a run
/// pays can be bounded from below without a real calibration of this machine.
/// </summary>
internal static class SyntheticCalibration
{
    /// <summary>This machine: a silo uses a calibration the run names only when it describes the silo's machine.</summary>
    public static readonly string Machine = Environment.MachineName;

    public static readonly DateTimeOffset MeasuredAt = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Both profiles, every IPC, at 8 B and 1 KiB, with one message costing <paramref name="oneWayMicros"/> one way, of
    /// which each side burns <paramref name="senderMicros"/> and <paramref name="receiverMicros"/>.
    /// </summary>
    public static Calibration With(
        double oneWayMicros = 20, double senderMicros = 5, double receiverMicros = 5, double startMicros = 1_000, long footprintBytes = 1L << 20) => new()
    {
        Machine = new CalibratedMachine { Name = Machine, Cores = Environment.ProcessorCount, MemoryBytes = 1L << 34, Os = "test", Runtime = "test" },
        MeasuredAt = MeasuredAt,
        FormatVersion = Calibration.CurrentFormat,
        Processes =
        [
            .. from kind in new[] { Contracts.Emulation.DotNet, Contracts.Emulation.Python }
               select new ProcessCalibration
               {
                   Kind = kind,
                   StartMicros = startMicros,
                   StartCpuMicros = startMicros, // all of the start burned, none waited
                   ResidentBytes = footprintBytes * 2,
                   PssBytes = footprintBytes,
                   ResidentBytesPerExtra = footprintBytes,
                   // A crowd that costs what a quiet pair does: nothing added however many workers a run has.
                   Contention = new ProcessContention
                   {
                       Ipc = "pipe",
                       PayloadBytes = 8,
                       Processes = 16,
                       WokenOneWayMicros = oneWayMicros,
                       WokenCpuMicros = senderMicros + receiverMicros,
                       PairsOneWayMicros = oneWayMicros,
                       PairsCpuMicros = senderMicros + receiverMicros,
                   },
               },
        ],
        Messages =
        [
            .. from kind in new[] { Contracts.Emulation.DotNet, Contracts.Emulation.Python }
               from ipc in Contracts.Emulation.IpcsOf(kind)
               from size in new[] { 8, 1024 }
               select new MessageCalibration
               {
                   Kind = kind,
                   Ipc = ipc,
                   PayloadBytes = size,
                   OneWayMicros = oneWayMicros,
                   SenderCpuMicros = senderMicros,
                   ReceiverCpuMicros = receiverMicros,
               },
        ],
    };
}
