using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;
using ProcessMesh.Tests.Cluster;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// Every output format reads back, with a reader that is not its writer (the runtime's own CSV parser,
/// <see cref="JsonDocument"/>), into exactly the record's values: for a run on one silo and a run on three, alone
/// and in one report (whose CSV then has the three-silo run's columns, empty in the one-silo row).
/// </summary>
[Collection(MultiSiloCollection.Name)]
public sealed class OutputRoundTripTests
{
    [Fact]
    public async Task Csv_and_json_read_back_into_every_value_of_a_one_silo_and_a_three_silo_run()
    {
        // A note of the reader's own beside any the run made (a short measured phase has one): a list of text, with
        // the characters CSV must quote.
        var measured = await RunAsync(silos: 1);
        var one = measured with { Notes = [.. measured.Notes, "a note, with a comma, \"quotes\" and a\nline break"] };
        var three = await RunAsync(silos: 3);
        Assert.Single(one.PerSilo);
        Assert.Equal(3, three.PerSilo.Count);
        Assert.Equal(3, three.Machine.SiloMachines.Count);

        foreach (var runs in new[] { new[] { one }, [three], [one, three] })
        {
            var report = new Report(runs);
            AssertCsv(report);
            AssertJson(report);
        }
    }

    private static async Task<RunResult> RunAsync(short silos)
    {
        await using var cluster = await ClusterFixture.DeployAsync(silos);
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 6, Work = 600, Placement = Placements.Spread };
        return await cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);
    }

    private static void AssertCsv(Report report)
    {
        var text = new StringWriter();
        new CsvFormat().Write(report, text);
        using var parser = new TextFieldParser(new StringReader(text.ToString())) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        Assert.Equal(header.Length, header.Distinct().Count());

        // The documented columns, named here as docs/results.md names them (not as the writer builds them).
        Assert.Contains("latencyP99", header);
        Assert.Contains("ledgerSent", header);
        Assert.Equal(report.Runs.Any(r => r.Notes.Count > 0), header.Contains("notes1"));
        Assert.Contains("machineSiloMachines1Host", header);
        Assert.Equal(report.Runs.Max(r => r.PerSilo.Count) > 1, header.Contains("perSilo3Workers"));

        foreach (var run in report.Runs)
        {
            var row = parser.ReadFields()!;
            Assert.Equal(header.Length, row.Length);
            var cells = header.Zip(row).ToDictionary(p => p.First, p => p.Second);
            var expected = Expected(run, typeof(RunResult), "", report.Runs).ToList();
            Assert.Equal(expected.Select(e => e.Column).Order(), header.Order());
            foreach (var (column, type, value) in expected)
            {
                Assert.True(Equal(type, value, cells[column]), $"{column}: the record has '{value}', the CSV '{cells[column]}'");
            }
        }

        Assert.True(parser.EndOfData, "rows after the last run");
    }

    /// <summary>Every column a record fills, by the rule of docs/results.md: nested records prefix, lists number from 1.</summary>
    private static IEnumerable<(string Column, Type Type, object? Value)> Expected(object? owner, Type type, string prefix, IReadOnlyList<RunResult> runs, Func<RunResult, object?>? path = null)
    {
        path ??= r => r;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = prefix.Length == 0 ? char.ToLowerInvariant(p.Name[0]) + p.Name[1..] : prefix + p.Name;
            var value = owner is null ? null : p.GetValue(owner);
            Func<RunResult, object?> at = r => path(r) is { } o ? p.GetValue(o) : null;
            if (Scalar(p.PropertyType))
            {
                yield return (name, p.PropertyType, value);
            }
            else if (p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                var element = p.PropertyType.GetGenericArguments()[0];
                var list = (IList?)value;
                for (var i = 0; i < runs.Max(r => ((IList?)at(r))?.Count ?? 0); i++)
                {
                    var entry = list is not null && i < list.Count ? list[i] : null;
                    var index = i;
                    foreach (var e in Scalar(element)
                        ? [($"{name}{i + 1}", element, entry)]
                        : Expected(entry, element, $"{name}{i + 1}", runs, r => at(r) is IList l && index < l.Count ? l[index] : null))
                    {
                        yield return e;
                    }
                }
            }
            else
            {
                foreach (var e in Expected(value, p.PropertyType, name, runs, at))
                {
                    yield return e;
                }
            }
        }
    }

    private static bool Scalar(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var t && (t.IsPrimitive || t == typeof(string) || t == typeof(DateTimeOffset));

    /// <summary>Whether <paramref name="cell"/>, parsed as <paramref name="type"/>, is <paramref name="value"/>.</summary>
    private static bool Equal(Type type, object? value, string cell)
    {
        if (value is null)
        {
            return cell.Length == 0;
        }

        var t = Nullable.GetUnderlyingType(type) ?? type;
        object parsed = t == typeof(string) ? cell
            : t == typeof(DateTimeOffset) ? DateTimeOffset.Parse(cell, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : t == typeof(bool) ? cell switch { "true" => true, "false" => false, _ => cell }
            : Convert.ChangeType(cell, t, CultureInfo.InvariantCulture);
        return value.Equals(parsed);
    }

    private static void AssertJson(Report report)
    {
        var text = new StringWriter();
        new JsonFormat().Write(report, text);
        using var document = JsonDocument.Parse(text.ToString());
        var runs = document.RootElement.GetProperty("runs");
        Assert.Equal(report.Runs.Count, runs.GetArrayLength());
        foreach (var (run, element) in report.Runs.Zip(runs.EnumerateArray()))
        {
            AssertJsonObject(run, element, "runs[]");
        }
    }

    private static void AssertJsonObject(object record, JsonElement element, string path)
    {
        var properties = record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.Equal(properties.Count(p => p.GetValue(record) is not null), element.EnumerateObject().Count());
        foreach (var p in properties)
        {
            var name = char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            AssertJsonValue(p.GetValue(record), element.TryGetProperty(name, out var e) ? e : null, $"{path}.{name}");
        }
    }

    private static void AssertJsonValue(object? value, JsonElement? element, string path)
    {
        switch (value)
        {
            case null:
                Assert.True(element is null, $"{path}: null in the record, present in the JSON");
                return;
            case string s:
                Assert.Equal(s, element?.GetString());
                return;
            case bool b:
                Assert.Equal(b, element?.GetBoolean());
                return;
            case double d:
                Assert.Equal(d, element?.GetDouble());
                return;
            case int or long:
                Assert.Equal(Convert.ToInt64(value, CultureInfo.InvariantCulture), element?.GetInt64());
                return;
            case DateTimeOffset t:
                Assert.Equal(t, element?.GetDateTimeOffset());
                return;
            case IList list:
                Assert.True(element is { ValueKind: JsonValueKind.Array }, $"{path}: a list in the record, not an array in the JSON");
                Assert.Equal(list.Count, element.Value.GetArrayLength());
                var i = 0;
                foreach (var item in element.Value.EnumerateArray())
                {
                    AssertJsonValue(list[i], item, $"{path}[{i}]");
                    i++;
                }

                return;
            default:
                Assert.True(element is { ValueKind: JsonValueKind.Object }, $"{path}: a record, not an object in the JSON");
                AssertJsonObject(value, element.Value, path);
                return;
        }
    }
}
