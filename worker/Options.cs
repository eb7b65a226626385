using System.Globalization;

namespace ProcessMesh.Worker;

/// <summary>A mistake on the worker's command line: its message names the option.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The worker's <c>--name value</c> options.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Reads <c>--name value</c> pairs.</summary>
    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !e.MoveNext())
            {
                throw new UsageException($"{name}: expected --name value");
            }

            options._values[name] = e.Current;
        }

        return options;
    }

    /// <summary>The value of <paramref name="name"/>, or <paramref name="fallback"/>; without a fallback it is required.</summary>
    public string Text(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var v) ? v : fallback ?? throw new UsageException($"{name}: required");

    /// <summary>A whole number option.</summary>
    public long Int64(string name, long? fallback = null) =>
        _values.TryGetValue(name, out var v)
            ? long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{name}: '{v}' is not a whole number")
            : fallback ?? throw new UsageException($"{name}: required");

    /// <summary>A comma-separated list of positive numbers.</summary>
    public IReadOnlyList<double> Doubles(string name, string fallback) =>
        Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new UsageException($"{name}: '{s}' is not a positive number"))
            .ToList();

    /// <summary>A comma-separated list of whole numbers.</summary>
    public IReadOnlyList<long> Int64s(string name, string fallback) =>
        Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new UsageException($"{name}: '{s}' is not a size in bytes"))
            .ToList();
}
