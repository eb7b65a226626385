using Spectre.Console;

namespace ProcessMesh.Cli.Output;

/// <summary>
/// The table of each figure's change against a baseline results folder (<c>report --baseline</c>): each figure in
/// the results table's own units, its change, and whether that change is beyond the run-to-run noise.
/// </summary>
internal static class ChangeTable
{
    /// <summary>What the noise column's words mean.</summary>
    public const string Caption = "beyond noise: the repeats' bands (their range, the most extreme set aside from 7 repeats) do not overlap; no spread: one reading each, nothing to judge it by";

    public static Table Build(IReadOnlyList<FigureChange> changes, int width)
    {
        FittedColumn[] columns = [new("point", 0, Left: true), new("figure", 0, Left: true), new("baseline", 0), new("now", 0), new("change", 0), new("noise", 0, Left: true)];
        var rows = changes.Select(c => new FittedCell[] { c.Point, c.Figure, c.BaselineText, c.CurrentText, c.ChangeText, c.NoiseText }).ToList();
        return FittedTable.Build("Change against the baseline", columns, rows, width).Table.Caption(Caption);
    }
}
