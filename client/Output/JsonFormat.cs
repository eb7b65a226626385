using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProcessMesh.Cli.Output;

/// <summary>The JSON contract: one object with a <c>runs</c> array; camelCase, times in seconds, latencies in microseconds.</summary>
internal sealed class JsonFormat : IResultFormat
{
    /// <summary>The serializer settings of the contract (also used to read a results folder back).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public void Write(Report report, TextWriter writer) => writer.WriteLine(JsonSerializer.Serialize(report, Options));
}
