namespace Kohonen.Cli;

/// <summary>
/// A plain table that fits a width: one line per row, columns two spaces apart. Columns marked
/// flexible give up room (their longest first) until the table fits; a cell that does not fit its
/// column is cut and ends with "…", so a row never wraps.
/// </summary>
internal sealed class TextTable
{
    private readonly List<Column> _columns = [];
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a column; a flexible one shrinks (to <paramref name="minWidth"/> at least) when the
    /// table is too wide.</summary>
    public TextTable Add(string header, bool flexible = false, int minWidth = 4, bool rightAligned = false)
    {
        _columns.Add(new Column(header, flexible, minWidth, rightAligned));
        return this;
    }

    public void Row(params string[] cells) => _rows.Add(cells);

    /// <summary>The lines of the table, each at most <paramref name="width"/> characters (when the fixed
    /// columns leave room).</summary>
    public IEnumerable<string> Lines(int width)
    {
        var widths = _columns.Select((c, i) => _rows.Select(r => r[i].Length).Append(c.Header.Length).Max()).ToArray();
        var total = widths.Sum() + (2 * (widths.Length - 1));
        while (total > width)
        {
            var widest = -1;
            for (var i = 0; i < widths.Length; i++)
            {
                if (_columns[i].Flexible && widths[i] > _columns[i].MinWidth && (widest < 0 || widths[i] > widths[widest]))
                {
                    widest = i;
                }
            }

            if (widest < 0)
            {
                break;
            }

            widths[widest]--;
            total--;
        }

        yield return Line(_columns.Select(c => c.Header).ToArray(), widths);
        foreach (var row in _rows)
        {
            yield return Line(row, widths);
        }
    }

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> characters, ending with "…" when cut.</summary>
    public static string Fit(string text, int width) =>
        text.Length <= width ? text : width <= 1 ? "…"[..width] : string.Concat(text.AsSpan(0, width - 1), "…");

    private string Line(string[] cells, int[] widths)
    {
        var parts = cells.Select((cell, i) =>
        {
            var text = Fit(cell, widths[i]);
            return _columns[i].RightAligned ? text.PadLeft(widths[i]) : text.PadRight(widths[i]);
        });
        return string.Join("  ", parts).TrimEnd();
    }

    private sealed record Column(string Header, bool Flexible, int MinWidth, bool RightAligned);
}
