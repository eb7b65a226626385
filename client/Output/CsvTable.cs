using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CsvHelper;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// The one CSV writer (RFC 4180, by CsvHelper): a header row, then one row a record, every public property of the
/// record a column. A nested record flattens to prefixed columns (<c>latencyP99</c>, <c>machineCores</c>); a list
/// flattens to numbered columns, one set per entry up to the longest list among the rows (<c>notes1</c>,
/// <c>perSilo2Workers</c>, <c>machineSiloMachines1Host</c>); a null or missing value is an empty cell. Numbers are
/// culture-invariant and round-trip, booleans are <c>true</c>/<c>false</c>, times ISO 8601. docs/results.md lists the columns.
/// </summary>
internal static class CsvTable
{
    private static readonly CsvWriterOptions _options = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>Writes <paramref name="rows"/> to <paramref name="writer"/>, which stays open.</summary>
    public static void Write<T>(IReadOnlyList<T> rows, TextWriter writer)
        where T : class
    {
        var columns = Columns(typeof(T), "", o => o, [.. rows]).ToList();
        using var csv = CsvWriter.Create(writer, _options, leaveOpen: true);
        csv.WriteHeader([.. columns.Select(c => c.Name)]);
        foreach (var row in rows)
        {
            csv.WriteRecord([.. columns.Select(c => Cell(c.Read(row)))]);
        }
    }

    /// <summary>The columns of <paramref name="type"/>, read from a row through <paramref name="owner"/>.</summary>
    private static IEnumerable<(string Name, Func<object, object?> Read)> Columns(Type type, string prefix, Func<object, object?> owner, IReadOnlyList<object> rows)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = prefix.Length == 0 ? JsonNamingPolicy.CamelCase.ConvertName(p.Name) : prefix + p.Name;
            Func<object, object?> read = row => owner(row) is { } o ? p.GetValue(o) : null;
            if (IsScalar(p.PropertyType))
            {
                yield return (name, read);
            }
            else if (ElementType(p.PropertyType) is { } element)
            {
                var longest = rows.Select(r => (read(r) as ICollection)?.Count ?? 0).DefaultIfEmpty(0).Max();
                for (var i = 0; i < longest; i++)
                {
                    var index = i;
                    Func<object, object?> entry = row => read(row) is IList list && index < list.Count ? list[index] : null;
                    var entryName = name + (i + 1).ToString(CultureInfo.InvariantCulture);
                    if (IsScalar(element))
                    {
                        yield return (entryName, entry);
                    }
                    else
                    {
                        foreach (var column in Columns(element, entryName, entry, rows))
                        {
                            yield return column;
                        }
                    }
                }
            }
            else
            {
                foreach (var column in Columns(p.PropertyType, name, read, rows))
                {
                    yield return column;
                }
            }
        }
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(TimeSpan);
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string? Cell(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        Enum e => JsonNamingPolicy.CamelCase.ConvertName(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
