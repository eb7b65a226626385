using System.Globalization;
using System.Reflection;
using System.Text.Json;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// One header row and one row a run, every field of the record: nested records flatten to prefixed columns
/// (latencyP99, machineCores). The columns are the JSON contract's, so a field added there appears here too.
/// </summary>
internal sealed class CsvFormat : IResultFormat
{
    private static readonly IReadOnlyList<(string Name, Func<object, object?> Read)> _columns = [.. Columns(typeof(RunResult), "")];

    public void Write(Report report, TextWriter writer)
    {
        writer.WriteLine(string.Join(',', _columns.Select(c => c.Name)));
        foreach (var run in report.Runs)
        {
            writer.WriteLine(string.Join(',', _columns.Select(c => Cell(c.Read(run)))));
        }
    }

    private static IEnumerable<(string Name, Func<object, object?> Read)> Columns(Type type, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = prefix.Length == 0 ? JsonNamingPolicy.CamelCase.ConvertName(p.Name) : prefix + p.Name;
            if (p.PropertyType.IsClass && p.PropertyType != typeof(string))
            {
                foreach (var (childName, read) in Columns(p.PropertyType, name))
                {
                    yield return (childName, o => p.GetValue(o) is { } child ? read(child) : null);
                }
            }
            else
            {
                yield return (name, p.GetValue);
            }
        }
    }

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\n']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
