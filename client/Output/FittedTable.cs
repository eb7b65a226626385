using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>A column of a fitted table: its header, alignment, and how readily it is dropped when space runs out.</summary>
/// <param name="Header">The header, never cut.</param>
/// <param name="Priority">Lower is kept longer; columns of priority 0 are never dropped.</param>
/// <param name="Left">Left-aligned (names) rather than right-aligned (figures).</param>
internal sealed record FittedColumn(string Header, int Priority, bool Left = false);

/// <summary>One cell: plain text (its length is its width), and an optional colour.</summary>
internal readonly record struct FittedCell(string Text, string? Color = null)
{
    public static implicit operator FittedCell(string text) => new(text);
}

/// <summary>
/// Builds a Spectre table that fits a width without cutting a header or wrapping a value: every column is as
/// wide as its widest cell, and while the whole is too wide the column of highest priority is dropped.
/// </summary>
internal static class FittedTable
{
    /// <summary>The table, and the headers of the columns left out to fit.</summary>
    public static (Table Table, IReadOnlyList<string> Hidden) Build(
        string? title, IReadOnlyList<FittedColumn> columns, IReadOnlyList<FittedCell[]> rows, int width)
    {
        var kept = Enumerable.Range(0, columns.Count).ToList();
        int Width(IEnumerable<int> indexes) => indexes.Sum(i => Math.Max(columns[i].Header.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Text.Length)) + 3) + 1;
        while (Width(kept) > width)
        {
            var droppable = kept.Where(i => columns[i].Priority > 0).ToList();
            if (droppable.Count == 0)
            {
                break;
            }

            kept.Remove(droppable.MaxBy(i => (columns[i].Priority, i)));
        }

        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        foreach (var i in kept)
        {
            table.AddColumn(new TableColumn(Markup.Escape(columns[i].Header)) { Alignment = columns[i].Left ? Justify.Left : Justify.Right, NoWrap = true });
        }

        foreach (var row in rows)
        {
            table.AddRow(kept.Select(i => row[i].Color is { } color ? $"[{color}]{Markup.Escape(row[i].Text)}[/]" : Markup.Escape(row[i].Text)).ToArray());
        }

        return (table, [.. Enumerable.Range(0, columns.Count).Except(kept).Select(i => columns[i].Header)]);
    }
}
