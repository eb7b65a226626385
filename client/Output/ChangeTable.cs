using System.Globalization;
using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>The table of each figure's change against a baseline results folder (<c>report --baseline</c>).</summary>
internal static class ChangeTable
{
    public static Table Build(IReadOnlyList<FigureChange> changes, int width)
    {
        FittedColumn[] columns = [new("point", 0, Left: true), new("figure", 0, Left: true), new("baseline", 0), new("now", 0), new("change", 0)];
        var rows = changes.Select(c => new FittedCell[]
        {
            c.Point,
            c.Figure,
            c.Baseline.ToString("G4", CultureInfo.InvariantCulture),
            c.Current.ToString("G4", CultureInfo.InvariantCulture),
            c.ChangePercent is { } p ? $"{p:+0.0;-0.0;0}%" : "",
        }).ToList();
        return FittedTable.Build("Change against the baseline", columns, rows, width).Table;
    }
}
