using System.Globalization;

namespace ProcessMesh.Contracts;

/// <summary>Reads and writes byte sizes the way people type them: 512, 64KiB, 1.5MB, 2g.</summary>
public static class Bytes
{
    private static readonly (string Suffix, long Factor)[] _suffixes =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1L << 10), ("mb", 1L << 20), ("gb", 1L << 30), ("tb", 1L << 40),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40), ("b", 1),
    ];

    /// <summary>Parses a size; false when it is not a non-negative size (a number without a unit must be whole: bytes).</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var s = text.Trim().ToLowerInvariant();
        long factor = 1;
        foreach (var (suffix, f) in _suffixes)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                s = s[..^suffix.Length].Trim();
                break;
            }
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsNaN(value))
        {
            return false;
        }

        // Without a unit (or in bytes) the number is bytes, so it must be whole: 1.5 is not a size.
        var total = value * factor;
        if (total > long.MaxValue || (factor == 1 && value != Math.Floor(value)))
        {
            return false;
        }

        bytes = (long)Math.Round(total);
        return true;
    }

    /// <summary>Formats a size with a binary unit: 64 KiB, 1.5 GiB.</summary>
    public static string Format(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        var i = 0;
        while (Math.Abs(bytes) >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }

        return i == 0 ? $"{bytes:0} B" : $"{bytes:0.#} {units[i]}";
    }
}
