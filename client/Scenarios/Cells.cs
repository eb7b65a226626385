using System.Globalization;
using ProcessMesh.Cli.Running;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>Evidence cells: each figure in its unit, with its noise band (<see cref="Noise"/>) beside it, in three significant digits.</summary>
internal static class Cells
{
    /// <summary>"0.540 (0.527–0.632)" seconds.</summary>
    public static string Seconds(Sample s) => Ranged(s, v => v.ToString("0.000", CultureInfo.InvariantCulture), "");

    /// <summary>"1.60× (1.49–2.12)".</summary>
    public static string Ratio(Sample s) => Ranged(s, v => v.ToString("0.00", CultureInfo.InvariantCulture), "×");

    /// <summary>"12.3 (11.9–13.0)" in whatever unit the column names.</summary>
    public static string Number(Sample s) => Ranged(s, Significant, "");

    /// <summary>A size with its range in the median's unit: "14.6 KiB (14.6–16.2)".</summary>
    public static string Size(Sample s)
    {
        var (scale, unit) = s.Median switch
        {
            >= 1 << 30 => (1.0 * (1 << 30), "GiB"),
            >= 1 << 20 => (1.0 * (1 << 20), "MiB"),
            >= 1 << 10 => (1.0 * (1 << 10), "KiB"),
            _ => (1.0, "B"),
        };
        var scaled = s.Scale(1 / scale);
        return s.HasSpread && s.High > s.Low
            ? $"{Significant(scaled.Median)} {unit} ({Significant(scaled.Low)}–{Significant(scaled.High)})"
            : $"{Significant(scaled.Median)} {unit}";
    }

    /// <summary>A whole count with digit grouping.</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A ratio without its range: "1.60×".</summary>
    public static string Times(double ratio) => $"{ratio.ToString(ratio >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture)}×";

    /// <summary>Three significant digits, no exponent: 0.0123, 1.23, 12.3, 123, 1,234.</summary>
    public static string Significant(double v) => Math.Abs(v) switch
    {
        >= 100 => v.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => v.ToString("0.00", CultureInfo.InvariantCulture),
        0 => "0",
        _ => v.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static string Ranged(Sample s, Func<double, string> format, string unit) =>
        s.HasSpread ? $"{format(s.Median)}{unit} ({format(s.Low)}–{format(s.High)})" : $"{format(s.Median)}{unit}";
}
