using System.Globalization;
using System.Text;

namespace Kohonen.Cli.Commands;

/// <summary>The CSV <c>kohonen predict</c> prints: <c>bmu_x,bmu_y,distance</c>, and when the model
/// keeps labels, a target or segments, first the 1-based <c>row</c> and then <c>label</c>,
/// <c>label_confidence</c>, <c>target</c>, <c>target_spread</c>, <c>segment</c>. Id columns
/// (<c>--id-column</c>) come after <c>row</c>, before the BMU columns, their text unchanged.</summary>
internal static class PredictionCsv
{
    public static StringBuilder Write(SomModel model, IReadOnlyList<Bmu> bmus) => Write(model, bmus, []);

    /// <summary>The CSV with <paramref name="ids"/>: each a column's name and its value per row.</summary>
    public static StringBuilder Write(SomModel model, IReadOnlyList<Bmu> bmus, IReadOnlyList<(string Name, IReadOnlyList<string> Values)> ids)
    {
        var extra = ids.Count > 0 || model.Labels is not null || model.Targets is not null || model.Segments is not null;
        var csv = new StringBuilder(bmus.Count * (extra ? 48 : 24));
        if (extra)
        {
            csv.Append("row,");
        }

        foreach (var id in ids)
        {
            csv.Append(Quote(id.Name)).Append(',');
        }

        csv.Append("bmu_x,bmu_y,distance");
        if (model.Labels is not null)
        {
            csv.Append(",label,label_confidence");
        }

        if (model.Targets is not null)
        {
            csv.Append(",target,target_spread");
        }

        if (model.Segments is not null)
        {
            csv.Append(",segment");
        }

        csv.Append('\n');
        for (var r = 0; r < bmus.Count; r++)
        {
            var b = bmus[r];
            if (extra)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{r + 1},");
            }

            foreach (var id in ids)
            {
                csv.Append(Quote(id.Values[r])).Append(',');
            }

            csv.Append(CultureInfo.InvariantCulture, $"{b.X},{b.Y},{b.Distance:R}");
            if (model.Labels is { } labels)
            {
                csv.Append(',').Append(Quote(labels.LabelOf(b.Index))).Append(CultureInfo.InvariantCulture, $",{labels.ConfidenceOf(b.Index):0.####}");
            }

            if (model.Targets is { } targets)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{targets.TargetOf(b.Index):R},{targets.SpreadOf(b.Index):R}");
            }

            if (model.Segments is { } segments)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{segments.SegmentOf(b.Index)}");
            }

            csv.Append('\n');
        }

        return csv;
    }

    /// <summary>
    /// The text of the named columns of a CSV or TSV file, one value per data row (blank lines skipped,
    /// as the feature reader does). The file must have a header holding every name.
    /// </summary>
    /// <exception cref="UsageException">The file is not CSV or TSV, has no header, or lacks a column.</exception>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Values)> ReadIds(string path, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        if (DataFiles.CsvDelimiter(path) is not { } delimiter)
        {
            throw new UsageException($"--id-column applies to CSV and TSV files; '{path}' is not one (a .npy array has no named columns).");
        }

        var header = CsvDataReader.ReadHeader(path, new CsvReadOptions { Delimiter = delimiter })
            ?? throw new UsageException($"--id-column: '{path}' has no header, so it has no named columns.");
        var indices = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            indices[i] = IndexOf(header, names[i]);
            if (indices[i] < 0)
            {
                throw new UsageException($"--id-column: '{path}' has no column '{names[i]}'; the columns are: {string.Join(", ", header)}.");
            }
        }

        var values = names.Select(_ => new List<string>()).ToArray();
        var first = true;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (first)
            {
                first = false;
                continue;
            }

            var fields = Split(line, delimiter);
            for (var i = 0; i < indices.Length; i++)
            {
                values[i].Add(indices[i] < fields.Count ? fields[indices[i]] : "");
            }
        }

        return [.. names.Select((n, i) => (n, (IReadOnlyList<string>)values[i]))];
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>One line's fields: trimmed, double quotes honoured ("" for a quote inside).</summary>
    private static List<string> Split(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        return fields;
    }

    /// <summary>A CSV field: quoted when it holds a comma, a quote or a line break.</summary>
    internal static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
