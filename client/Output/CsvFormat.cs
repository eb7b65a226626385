namespace ProcessMesh.Cli.Output;

/// <summary>
/// The records as CSV: one header row and one row a run, every field of the record (see <see cref="CsvTable"/> for
/// how nested records and lists flatten). The columns are the JSON contract's, so a field added there appears here too.
/// </summary>
internal sealed class CsvFormat : IResultFormat
{
    public void Write(Report report, TextWriter writer) => CsvTable.Write(report.Runs, writer);
}
