namespace ProcessMesh.Cli.Output;

/// <summary>One output format of a <see cref="Report"/>. Each format has exactly one writer; every verb calls it.</summary>
internal interface IResultFormat
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>.</summary>
    void Write(Report report, TextWriter writer);
}

/// <summary>How results are printed.</summary>
internal enum OutputFormat
{
    /// <summary>Tables for people.</summary>
    Table,

    /// <summary>One JSON object with a <c>runs</c> array.</summary>
    Json,

    /// <summary>One header row, one row a run.</summary>
    Csv,
}

/// <summary>The writer for each <see cref="OutputFormat"/>, and the format a file name asks for.</summary>
internal static class ResultFormats
{
    /// <summary>The writer for <paramref name="format"/>; tables fit <paramref name="width"/> columns unless <paramref name="allColumns"/>.</summary>
    public static IResultFormat For(OutputFormat format, int width = TableFormat.DefaultWidth, bool allColumns = false) => format switch
    {
        OutputFormat.Json => new JsonFormat(),
        OutputFormat.Csv => new CsvFormat(),
        _ => new TableFormat(width, allColumns),
    };

    /// <summary>The format a file's extension asks for, or <paramref name="fallback"/>.</summary>
    public static OutputFormat ForFile(string path, OutputFormat fallback) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => OutputFormat.Json,
        ".csv" => OutputFormat.Csv,
        ".txt" => OutputFormat.Table,
        _ => fallback,
    };
}
