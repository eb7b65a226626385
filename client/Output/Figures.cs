using System.Globalization;

namespace ProcessMesh.Cli.Output;

/// <summary>How figures read in tables: one form for each kind of number, everywhere.</summary>
internal static class Figures
{
    /// <summary>A count or rate with an SI suffix: 740.7 k, 1.18 M.</summary>
    public static string Si(double value) => value switch
    {
        >= 1e9 => $"{value / 1e9:0.##} G",
        >= 1e6 => $"{value / 1e6:0.##} M",
        >= 1e4 => $"{value / 1e3:0.#} k",
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };

    /// <summary>Half the range around the median, in percent of it: ±8 %.</summary>
    public static string Spread(double median, double min, double max) =>
        median > 0 ? $"±{(max - min) / 2 / median * 100:0.#}%" : "";

    /// <summary>Microseconds, to a tenth.</summary>
    public static string Micros(double us) => us.ToString(us >= 100_000 ? "N0" : "0.0", CultureInfo.InvariantCulture);

    /// <summary>A whole number with group separators.</summary>
    public static string Whole(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A count of things, in the right number: 1 silo, 3 silos, 2 repeats.</summary>
    public static string Count(long n, string thing) => $"{Whole(n)} {thing}{(n == 1 ? "" : "s")}";
}
