using System.Globalization;
using System.Text;

namespace Kohonen;

/// <summary>
/// Reads numeric CSV into a <see cref="DataMatrix"/>: comma-separated (or another delimiter), fields
/// optionally in double quotes ("" for a quote inside), numbers in the invariant culture ('.' as the
/// decimal point), blank lines skipped. Every used cell must hold a finite number that fits a
/// float32: an empty, non-numeric, NaN or infinite cell is a <see cref="DataFormatException"/> that
/// names the file, the 1-based line and column, and the column's name. A line may have at most
/// <see cref="MaxColumns"/> fields and <see cref="MaxLineChars"/> characters, and a header name no
/// control character; only a regular file is read.
/// </summary>
public static class CsvDataReader
{
    /// <summary>The most fields a line may have: 65,536.</summary>
    internal const int MaxColumns = 65_536;

    /// <summary>The longest line: 16 Mi characters (65,536 fields of 256 characters), refused as it is
    /// read, so that memory stays bounded whatever the file.</summary>
    internal const int MaxLineChars = 16 << 20;

    private static StreamReader Open(string path) =>
        new(SafeFile.OpenRead(path, long.MaxValue, reason => new DataFormatException($"{path}: {reason}", path)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

    private static BoundedLineReader Lines(TextReader reader, string sourceName) =>
        new(reader, MaxLineChars, line => new DataFormatException(
            $"{sourceName}, line {line}: the line is longer than {MaxLineChars} characters; a line may have at most {MaxColumns} fields.", sourceName, line));

    /// <summary>Reads a file.</summary>
    /// <exception cref="DataFormatException">The content is not valid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CsvData Read(string path, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = Open(path);
        return Read(reader, path, options);
    }

    /// <summary>
    /// The header of a CSV file (its first non-blank line, when that is a header by the same rule as
    /// <see cref="Read(string, CsvReadOptions?)"/>), or null when the file starts with data.
    /// </summary>
    public static IReadOnlyList<string>? ReadHeader(string path, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvReadOptions();
        using var reader = Open(path);
        var lines = Lines(reader, path);
        var lineNumber = 0;
        while (lines.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                var fields = SplitFields(line, options.Delimiter, path, lineNumber);
                return IsHeader(fields, options) ? CheckNames(fields, path, lineNumber) : null;
            }
        }

        return null;
    }

    /// <summary>Reads from a text reader; <paramref name="sourceName"/> names it in messages.</summary>
    public static CsvData Read(TextReader reader, string sourceName, CsvReadOptions? options = null) =>
        ReadChunks(reader, sourceName, options, int.MaxValue).Single();

    /// <summary>
    /// Reads a file <paramref name="rowsPerChunk"/> data rows at a time, holding one chunk: for files
    /// larger than memory. The chunks, in order, hold the rows <see cref="Read(string, CsvReadOptions?)"/>
    /// would, with the same checks and messages (a bad cell is reported when its chunk is read).
    /// </summary>
    public static IEnumerable<CsvData> ReadChunks(string path, CsvReadOptions? options, int rowsPerChunk)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = Open(path);
        foreach (var chunk in ReadChunks(reader, path, options, rowsPerChunk))
        {
            yield return chunk;
        }
    }

    private static IEnumerable<CsvData> ReadChunks(TextReader reader, string sourceName, CsvReadOptions? options, int rowsPerChunk)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        options ??= new CsvReadOptions();
        var lines = Lines(reader, sourceName);
        var lineNumber = 0;
        string? line;
        List<string>? first = null;
        var firstLine = 0;
        while ((line = lines.ReadLine()) is not null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                first = SplitFields(line, options.Delimiter, sourceName, lineNumber);
                firstLine = lineNumber;
                break;
            }
        }

        if (first is null)
        {
            throw new DataFormatException($"{sourceName}: the file has no data rows.", sourceName);
        }

        var hasHeader = IsHeader(first, options);
        var fieldCount = first.Count;
        IReadOnlyList<string>? header = hasHeader ? CheckNames(first, sourceName, firstLine) : null;

        var labelIndex = options.LabelColumn is null ? -1 : Resolve(options.LabelColumn, header, fieldCount, sourceName, "label column");
        int[] textIndices = [.. (options.TextColumns ?? []).Select(c => Resolve(c, header, fieldCount, sourceName, "categorical column"))];
        int[] featureIndices = options.Columns is null
            ? [.. Enumerable.Range(0, fieldCount).Where(i => i != labelIndex && !textIndices.Contains(i))]
            : [.. options.Columns.Select(c => Resolve(c, header, fieldCount, sourceName, "column"))];
        if (featureIndices.Length == 0)
        {
            throw new DataFormatException($"{sourceName}: no feature columns are left (the file has {fieldCount} column(s)).", sourceName);
        }

        var duplicate = featureIndices.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DataFormatException($"{sourceName}: column {ColumnLabel(duplicate.Key, header)} is chosen twice.", sourceName);
        }

        if (labelIndex >= 0 && featureIndices.Contains(labelIndex))
        {
            throw new DataFormatException($"{sourceName}: column {ColumnLabel(labelIndex, header)} cannot be both a feature and the label column.", sourceName);
        }

        if (textIndices.FirstOrDefault(i => i == labelIndex || featureIndices.Contains(i), -1) is var both and >= 0)
        {
            throw new DataFormatException($"{sourceName}: column {ColumnLabel(both, header)} cannot be both a categorical column and a {(both == labelIndex ? "label column" : "feature")}.", sourceName);
        }

        var names = featureIndices.Select(i => header is null ? $"x{i}" : header[i]).ToArray();
        var texts = textIndices.Select(_ => new List<string?>()).ToArray();
        var values = new List<float>();
        var labels = labelIndex >= 0 ? new List<string>() : null;

        void AddRow(List<string> fields, int at)
        {
            if (fields.Count != fieldCount)
            {
                throw new DataFormatException(
                    $"{sourceName}, line {at}: {fields.Count} field(s), but line {firstLine} has {fieldCount}.", sourceName, at);
            }

            foreach (var i in featureIndices)
            {
                values.Add(ParseCell(fields[i], sourceName, at, i, header));
            }

            for (var t = 0; t < textIndices.Length; t++)
            {
                texts[t].Add(fields[textIndices[t]]);
            }

            if (labels is not null)
            {
                var label = fields[labelIndex];
                if (label.Length == 0)
                {
                    throw new DataFormatException(
                        $"{sourceName}, line {at}, column {labelIndex + 1} ({ColumnLabel(labelIndex, header)}): the label is empty.", sourceName, at, labelIndex + 1);
                }

                labels.Add(label);
            }
        }

        var rowsRead = 0L;
        CsvData Chunk()
        {
            var rows = values.Count / featureIndices.Length;
            rowsRead += rows;
            var chunk = new CsvData(DataMatrix.Wrap([.. values], rows, featureIndices.Length, names), labels)
            {
                Text = textIndices.Length == 0 ? null : textIndices.Select((c, t) => (c, t)).ToDictionary(p => header is null ? $"x{p.c}" : header[p.c], p => (IReadOnlyList<string?>)texts[p.t]),
            };
            texts = [.. textIndices.Select(_ => new List<string?>())];
            values = [];
            labels = labels is null ? null : [];
            return chunk;
        }

        if (!hasHeader)
        {
            AddRow(first, firstLine);
        }

        while ((line = lines.ReadLine()) is not null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                AddRow(SplitFields(line, options.Delimiter, sourceName, lineNumber), lineNumber);
                if (values.Count == (long)rowsPerChunk * featureIndices.Length)
                {
                    yield return Chunk();
                }
            }
        }

        if (values.Count > 0)
        {
            yield return Chunk();
        }

        if (rowsRead == 0)
        {
            throw new DataFormatException($"{sourceName}: the file has a header but no data rows.", sourceName);
        }
    }

    /// <summary>The first row is a header when the options say so, or else when any of its cells is
    /// not a number.</summary>
    private static bool IsHeader(List<string> first, CsvReadOptions options) =>
        options.HasHeader ?? first.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    /// <summary>Refuses a header name with a control character (it would be printed raw).</summary>
    private static List<string> CheckNames(List<string> names, string source, int line)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i].Any(char.IsControl))
            {
                throw new DataFormatException(
                    $"{source}, line {line}, column {i + 1}: the column name contains a control character; names may not.", source, line, i + 1);
            }
        }

        return names;
    }

    private static float ParseCell(string cell, string source, int line, int index, IReadOnlyList<string>? header)
    {
        var where = $"{source}, line {line}, column {index + 1} ({ColumnLabel(index, header)})";
        if (cell.Length == 0)
        {
            throw new DataFormatException($"{where}: the cell is empty; every feature value must be a number.", source, line, index + 1);
        }

        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new DataFormatException(cell.Any(char.IsLetter)
                ? $"{where}: '{cell}' is not a number. A column of text can be a label (--label-column), an id carried through (--id-column) or a category one-hot encoded in the map (--categorical); or leave it out with --columns."
                : $"{where}: '{cell}' is not a number (use '.' for the decimal point, no thousands separators).", source, line, index + 1);
        }

        if (!double.IsFinite(value))
        {
            throw new DataFormatException($"{where}: '{cell}' is not a finite number; NaN and infinity are not allowed.", source, line, index + 1);
        }

        if (Math.Abs(value) > float.MaxValue)
        {
            throw new DataFormatException($"{where}: '{cell}' is outside the float32 range (±3.4e38).", source, line, index + 1);
        }

        return (float)value;
    }

    private static int Resolve(string selector, IReadOnlyList<string>? header, int fieldCount, string source, string what)
    {
        if (header is not null)
        {
            for (var i = 0; i < header.Count; i++)
            {
                if (header[i] == selector)
                {
                    return i;
                }
            }

            var loose = header.Select((h, i) => (h, i)).Where(p => string.Equals(p.h, selector, StringComparison.OrdinalIgnoreCase)).ToList();
            if (loose.Count == 1)
            {
                return loose[0].i;
            }
        }

        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            if (index < fieldCount)
            {
                return index;
            }

            throw new DataFormatException($"{source}: {what} index {index} is out of range; the file has {fieldCount} columns (indices 0..{fieldCount - 1}).", source);
        }

        var known = header is null
            ? $"the file has no header, so columns are chosen by 0-based index (0..{fieldCount - 1})"
            : $"the columns are: {string.Join(", ", header)} (or a 0-based index)";
        throw new DataFormatException($"{source}: unknown {what} '{selector}'; {known}.", source);
    }

    private static string ColumnLabel(int index, IReadOnlyList<string>? header) =>
        header is null ? $"index {index}" : $"'{header[index]}'";

    /// <summary>Splits one line into trimmed fields, honouring double quotes.</summary>
    internal static List<string> SplitFields(string line, char delimiter, string source, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            // Leading spaces before a field (and before its opening quote) are not content.
            while (i < line.Length && line[i] == ' ' && delimiter != ' ')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new DataFormatException(
                            $"{source}, line {lineNumber}, column {fields.Count + 1}: a quoted field is not closed on this line (fields may not span lines).",
                            source, lineNumber, fields.Count + 1);
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                while (i < line.Length && line[i] != delimiter)
                {
                    if (!char.IsWhiteSpace(line[i]))
                    {
                        throw new DataFormatException(
                            $"{source}, line {lineNumber}, column {fields.Count + 1}: unexpected '{line[i]}' after a closing quote.",
                            source, lineNumber, fields.Count + 1);
                    }

                    i++;
                }

                fields.Add(field.ToString());
            }
            else
            {
                var start = i;
                while (i < line.Length && line[i] != delimiter)
                {
                    i++;
                }

                fields.Add(line[start..i].Trim());
            }

            field.Clear();
            if (i >= line.Length)
            {
                return fields;
            }

            if (fields.Count == MaxColumns)
            {
                throw new DataFormatException(
                    $"{source}, line {lineNumber}: more than {MaxColumns} fields; a line may have at most {MaxColumns}.", source, lineNumber, MaxColumns + 1);
            }

            i++; // the delimiter
        }
    }
}
