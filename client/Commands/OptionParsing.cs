using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>Typed options with parsers whose errors are one line that names the option.</summary>
internal static class OptionParsing
{
    /// <summary>The value of --columns that shows every column.</summary>
    public const string AllColumns = "all";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, string> _shownDefaults = [];

    /// <summary>
    /// Gives <paramref name="option"/> a default, shown once in --help in the form the option takes
    /// (<paramref name="shown"/>: 10s, 1,2,4), never in .NET's own form (00:00:10, 1|2|4).
    /// </summary>
    public static Option<T> Defaulted<T>(Option<T> option, T value, string shown)
    {
        option.DefaultValueFactory = _ => value;
        _shownDefaults.AddOrUpdate(option, shown);
        return option;
    }

    /// <summary>The default of <paramref name="option"/> as --help shows it, or null when it has none to show.</summary>
    public static string? ShownDefault(Option option) => _shownDefaults.TryGetValue(option, out var shown) ? shown : null;

    /// <summary>An option whose value is one of an enum's names, in lower case.</summary>
    public static Option<T> Enum<T>(string name, string description, T defaultValue)
        where T : struct, System.Enum
    {
        var names = System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && names.Contains(text.ToLowerInvariant()))
                {
                    return value;
                }

                r.AddError($"{name}: unknown value '{text}' (choose {string.Join(", ", names)})");
                return defaultValue;
            },
        };
        option.CompletionSources.Add(names);
        return Defaulted(option, defaultValue, defaultValue.ToString().ToLowerInvariant());
    }

    /// <summary>--columns: the few columns that answer the question (default), or all of them.</summary>
    public static Option<string> Columns() => Defaulted(new Option<string>("--columns")
    {
        Description = "Table columns: the few that answer the question, fitted to the terminal, or all the table has (JSON and CSV always have every field).",
        HelpName = "default|all",
        CustomParser = r => OneOf(r, "--columns", ["default", AllColumns]),
    }, "default", "default");

    /// <summary>--repeats: measured repeats, summarised by their median and spread (<paramref name="byDefault"/> when not given).</summary>
    public static Option<int> Repeats(int byDefault = 3) => Defaulted(new Option<int>("--repeats")
    {
        Description = "Measured repeats of each point; the median is reported with the spread.",
        HelpName = "N",
        CustomParser = r => (int)Whole(r, "--repeats", r.Tokens.Single().Value, 1, 1000),
    }, byDefault, byDefault.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>--warmup: unmeasured runs before the repeats.</summary>
    public static Option<int> Warmup() => Defaulted(new Option<int>("--warmup")
    {
        Description = "Unmeasured warm-up runs before each point's repeats (JIT, activation, caches).",
        HelpName = "N",
        CustomParser = r => (int)Whole(r, "--warmup", r.Tokens.Single().Value, 0, 1000),
    }, 1, "1");

    /// <summary>One of <paramref name="choices"/> (case-insensitive), or an error naming the option.</summary>
    public static string OneOf(ArgumentResult r, string optionName, IReadOnlyList<string> choices)
    {
        var text = r.Tokens.Single().Value;
        var match = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            r.AddError($"{optionName}: unknown value '{text}' (choose {string.Join(", ", choices)})");
            return choices[0];
        }

        return match;
    }

    /// <summary>
    /// An option whose value is a model name. Which names there are is the cluster's to say (its catalog, checked
    /// once the CLI is connected, <see cref="CatalogCheck"/>); here a name is only read: trimmed, in lower case.
    /// </summary>
    public static string? ParseModel(ArgumentResult r, string optionName, string text)
    {
        var model = text.Trim().ToLowerInvariant();
        if (model.Length > 0)
        {
            return model;
        }

        r.AddError($"{optionName}: a model needs a name (the cluster lists its models: processmesh cluster catalog)");
        return null;
    }

    /// <summary>An option whose value is a workload name, checked against the cluster's catalog once connected (<see cref="CatalogCheck"/>).</summary>
    public static string Name(ArgumentResult r, string optionName)
    {
        var name = r.Tokens.Single().Value.Trim().ToLowerInvariant();
        if (name.Length == 0)
        {
            r.AddError($"{optionName}: a workload needs a name (the cluster lists its workloads: processmesh cluster catalog)");
        }

        return name;
    }

    /// <summary>
    /// Splits a list value: "1,2,4" or "1 2 4" or repeated options. An empty item ("1,,2", "1,2,") is an error
    /// naming <paramref name="optionName"/>, not silently dropped.
    /// </summary>
    public static IEnumerable<string> Items(ArgumentResult r, string optionName)
    {
        var items = new List<string>();
        foreach (var token in r.Tokens)
        {
            var parts = token.Value.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Any(p => p.Length == 0))
            {
                r.AddError($"{optionName}: '{token.Value}' has an empty item (write a list as 1,2,4)");
                return [];
            }

            items.AddRange(parts);
        }

        return items;
    }

    /// <summary>A whole number in [min, max].</summary>
    public static long Whole(ArgumentResult r, string optionName, string text, long min, long max)
    {
        // One reading everywhere, whatever the culture: digits, with '_' to group them (1_000_000); never a comma,
        // which is a list separator where a list is taken ("1,2" is not twelve).
        var clean = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (text.Contains(',', StringComparison.Ordinal))
        {
            r.AddError($"{optionName}: takes one number, not a list ('{text}'; group digits with _ as in 1_000_000)");
            return min;
        }

        if (!long.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            r.AddError($"{optionName}: '{text}' is not a whole number");
            return min;
        }

        if (value < min || value > max)
        {
            r.AddError($"{optionName}: {value:N0} is out of range ({min:N0} to {max:N0})");
            return min;
        }

        return value;
    }

    /// <summary>A number in [min, max].</summary>
    public static double Number(ArgumentResult r, string optionName, string text, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            r.AddError($"{optionName}: '{text}' is not a number");
            return min;
        }

        if (value < min || value > max)
        {
            r.AddError($"{optionName}: {value} is out of range ({min} to {max})");
            return min;
        }

        return value;
    }

    /// <summary>A byte size (512, 64KiB, 1.5MB) in [0, max]: a unit, or a whole number of bytes.</summary>
    public static long Size(ArgumentResult r, string optionName, string text, long max)
    {
        if (!Bytes.TryParse(text, out var bytes))
        {
            if (double.TryParse(text.Trim().TrimEnd('b', 'B'), NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && fraction >= 0)
            {
                r.AddError($"{optionName}: '{text}' is a fraction of a byte (give a unit, as in {text.Trim().TrimEnd('b', 'B')}MiB, or a whole number of bytes)");
            }
            else if (text.TrimStart().StartsWith('-'))
            {
                r.AddError($"{optionName}: a size cannot be negative (got '{text}')");
            }
            else
            {
                r.AddError($"{optionName}: '{text}' is not a size (try 4096, 64KiB or 1MiB)");
            }

            return 0;
        }

        if (bytes > max)
        {
            r.AddError($"{optionName}: {Bytes.Format(bytes)} is more than the largest allowed, {Bytes.Format(max)}");
            return 0;
        }

        return bytes;
    }

    /// <summary>A duration: 500ms, 30s, 2m, 1h, or plain seconds; in [min, max].</summary>
    public static TimeSpan Duration(ArgumentResult r, string optionName, string text, TimeSpan min, TimeSpan max)
    {
        var t = text.Trim().ToLowerInvariant();
        var (number, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            r.AddError($"{optionName}: '{text}' is not a duration (try 500ms, 30s or 2m)");
            return min;
        }

        var duration = TimeSpan.FromSeconds(value * unit);
        if (duration < min || duration > max)
        {
            r.AddError($"{optionName}: {text} is out of range ({min.TotalSeconds:0.###} s to {max.TotalSeconds:0} s)");
            return min;
        }

        return duration;
    }

    /// <summary>A gateway endpoint, host:port.</summary>
    public static IPEndPoint? Endpoint(ArgumentResult r, string optionName, string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            r.AddError($"{optionName}: '{text}' is not HOST:PORT (for example 127.0.0.1:30000)");
            return null;
        }

        var host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is not null)
            {
                return new IPEndPoint(chosen, port);
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // reported below
        }

        r.AddError($"{optionName}: cannot resolve host '{host}'");
        return null;
    }
}
