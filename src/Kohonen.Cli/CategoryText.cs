namespace Kohonen.Cli;

/// <summary>
/// The categorical columns' text of a table read with <see cref="CsvReadOptions.TextColumns"/>: by the
/// column's name (a 0-based index asked for is turned into the header's name, or x<i>i</i> without a
/// header), each missing token (an empty cell, NA, NaN or null, in any case) made a missing category.
/// </summary>
internal static class CategoryText
{
    /// <summary>The text of the columns <paramref name="selectors"/> asked for, by column name.</summary>
    /// <exception cref="DataFormatException">A category is missing and <paramref name="reading"/>
    /// refuses missing values.</exception>
    public static Dictionary<string, IReadOnlyList<string?>> Of(CsvData table, IReadOnlyList<string> selectors, DataReading reading, string source)
    {
        var text = new Dictionary<string, IReadOnlyList<string?>>(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            if (!table.TextColumns.TryGetValue(selector, out var values))
            {
                continue;
            }

            var name = NameOf(selector, table.Header);
            var cells = new string?[values.Count];
            for (var i = 0; i < cells.Length; i++)
            {
                if (!IsMissing(values[i]))
                {
                    cells[i] = values[i];
                    continue;
                }

                if (reading.Missing == MissingValuePolicy.Error)
                {
                    var row = table.RowNumbers is { } numbers ? numbers[i] : i + 1;
                    throw new DataFormatException(
                        $"{source}, data row {row}, column '{name}': the category is missing; missing values are refused here (--missing error).", source);
                }
            }

            text[name] = cells;
        }

        return text;
    }

    /// <summary>The number of missing categories in <see cref="Of"/>'s text.</summary>
    public static long CountMissing(IReadOnlyDictionary<string, IReadOnlyList<string?>> text) =>
        text.Values.Sum(cells => (long)cells.Count(c => c is null));

    /// <summary>A column's categories as an encoder learns them: its distinct present values, in
    /// ordinal order.</summary>
    public static IReadOnlyList<string> Categories(IEnumerable<string?> cells) =>
        [.. cells.Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Whether a cell marks a missing value, as the readers decide for numbers.</summary>
    public static bool IsMissing(string cell) =>
        cell.Length == 0
        || cell.Equals("NA", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("null", StringComparison.OrdinalIgnoreCase);

    private static string NameOf(string selector, IReadOnlyList<string>? header)
    {
        if (header is not null)
        {
            if (header.Contains(selector))
            {
                return selector;
            }

            var loose = header.Where(h => string.Equals(h, selector, StringComparison.OrdinalIgnoreCase)).ToList();
            if (loose.Count == 1)
            {
                return loose[0];
            }
        }

        return int.TryParse(selector, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? header is not null && index < header.Count ? header[index] : $"x{index}"
            : selector;
    }
}
