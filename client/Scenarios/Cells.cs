using System.Globalization;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>Evidence cells: each figure in its unit, with the range of its repeats beside it.</summary>
internal static class Cells
{
    /// <summary>"0.540 (0.527–0.632)" seconds.</summary>
    public static string Seconds(Sample s) => Ranged(s, "0.000", "");

    /// <summary>"1.60× (1.49–2.12)".</summary>
    public static string Ratio(Sample s) => Ranged(s, "0.00", "×");

    /// <summary>"12.3 (11.9–13.0)" in whatever unit the column names.</summary>
    public static string Number(Sample s, string format = "0.0") => Ranged(s, format, "");

    /// <summary>A size in bytes, KiB or MiB, with its range.</summary>
    public static string Size(Sample s) => s.HasSpread && s.Max > s.Min
        ? $"{Bytes.Format(s.Median)} ({Bytes.Format(s.Min)}–{Bytes.Format(s.Max)})"
        : Bytes.Format(s.Median);

    /// <summary>A whole count with digit grouping.</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A ratio without its range: "1.60×".</summary>
    public static string Times(double ratio) => $"{ratio.ToString("0.00", CultureInfo.InvariantCulture)}×";

    private static string Ranged(Sample s, string format, string unit)
    {
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return s.HasSpread ? $"{F(s.Median)}{unit} ({F(s.Min)}–{F(s.Max)})" : $"{F(s.Median)}{unit}";
    }
}
