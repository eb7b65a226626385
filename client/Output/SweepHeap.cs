using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// The silo's live heap over a whole sweep: before its warm-up, after it, and once the last point has cleaned up.
/// The warm-up grows what is grown once (compiled code, pools, Orleans' tables for the largest population), so
/// the end against after-the-warm-up is what the sweep's points left behind.
/// </summary>
internal sealed record SweepHeap(long BeforeWarmUpBytes, long AfterWarmUpBytes, long EndBytes, int WarmUpGrains)
{
    /// <summary>The end against after-the-warm-up, in percent.</summary>
    public double EndChangePercent => AfterWarmUpBytes > 0 ? 100.0 * (EndBytes - AfterWarmUpBytes) / AfterWarmUpBytes : 0;

    /// <summary>One line for people.</summary>
    public string Describe() =>
        $"silo heap: {Bytes.Format(BeforeWarmUpBytes)} before the warm-up, {Bytes.Format(AfterWarmUpBytes)} after it"
        + (WarmUpGrains > 0 ? $" (Orleans' tables sized for {WarmUpGrains:N0} grains)" : "")
        + $", {Bytes.Format(EndBytes)} at the end: {EndChangePercent:+0.0;-0.0;0} %";
}
