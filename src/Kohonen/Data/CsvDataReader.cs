using System.Globalization;
using System.Text;

namespace Kohonen;

/// <summary>
/// Reads numeric CSV into a <see cref="DataMatrix"/>: separated by ',', ';' or tab (detected unless
/// given), fields optionally in double quotes ("" for a quote inside), numbers in the invariant culture
/// ('.' as the decimal point), blank lines skipped, the first row a header or data (given, or decided
/// so that no data row is ever taken for a header silently: <see cref="CsvReadOptions.HasHeader"/>).
/// Every used cell must hold a number that fits a float32 or a missing value (empty, NA, NaN or null,
/// in any case; read as NaN or refused, <see cref="CsvReadOptions.Missing"/>): a non-numeric or
/// infinite cell is a <see cref="DataFormatException"/> that names the file, the 1-based line and
/// column, and the column's name. A line may have at most
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

    private static BoundedLineReader Lines(TextReader reader, string sourceName, Func<int, int>? lineNumbers = null) =>
        new(reader, MaxLineChars, line => new DataFormatException(
            $"{sourceName}, line {lineNumbers?.Invoke(line) ?? line}: the line is longer than {MaxLineChars} characters; a line may have at most {MaxColumns} fields.", sourceName, lineNumbers?.Invoke(line) ?? line));

    /// <summary>The most lines (and characters) read ahead to detect the delimiter.</summary>
    private const int SampleLines = 10;

    private const int SampleChars = 1 << 20;

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
    /// <exception cref="DataFormatException">The first row cannot be told to be a header or data.</exception>
    public static IReadOnlyList<string>? ReadHeader(string path, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvReadOptions();
        using var reader = Open(path);
        using var lines = NonBlankLines(Lines(reader, path)).GetEnumerator();
        return Begin(lines, path, options) is { } start ? start.Header : null;
    }

    /// <summary>Reads from a text reader; <paramref name="sourceName"/> names it in messages.</summary>
    public static CsvData Read(TextReader reader, string sourceName, CsvReadOptions? options = null) =>
        ReadChunks(reader, sourceName, options, int.MaxValue, null).Single();

    /// <summary>
    /// Reads a file <paramref name="rowsPerChunk"/> data rows at a time, holding one chunk: for files
    /// larger than memory. The chunks, in order, hold the rows <see cref="Read(string, CsvReadOptions?)"/>
    /// would, with the same checks and messages (a bad cell is reported when its chunk is read). Each
    /// chunk counts the missing cells of its rows and the rows skipped since the chunk before.
    /// </summary>
    public static IEnumerable<CsvData> ReadChunks(string path, CsvReadOptions? options, int rowsPerChunk)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = Open(path);
        foreach (var chunk in ReadChunks(reader, path, options, rowsPerChunk, null))
        {
            yield return chunk;
        }
    }

    /// <summary>The first line's fields, where they are and what they were taken for.</summary>
    private sealed record Start(List<(string Line, int Number)> Sample, char Delimiter, List<string> First, int FirstLine, IReadOnlyList<string>? Header);

    private static IEnumerable<(string Line, int Number)> NonBlankLines(BoundedLineReader lines, Func<int, int>? lineNumbers = null)
    {
        var number = 0;
        while (lines.ReadLine() is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (line, lineNumbers?.Invoke(number) ?? number);
            }
        }
    }

    /// <summary>Reads the first lines ahead, detects the delimiter and decides whether the first row is
    /// a header; null for a file with no non-blank line.</summary>
    private static Start? Begin(IEnumerator<(string Line, int Number)> lines, string sourceName, CsvReadOptions options)
    {
        if (options.MaxMissing is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxMissing, "MaxMissing must be in [0, 1].");
        }

        var sample = new List<(string Line, int Number)>();
        var chars = 0L;
        while (sample.Count < SampleLines && chars < SampleChars && lines.MoveNext())
        {
            sample.Add(lines.Current);
            chars += lines.Current.Line.Length;
        }

        if (sample.Count == 0)
        {
            return null;
        }

        var delimiter = options.Delimiter ?? DetectDelimiter(sample.Select(s => s.Line).ToList());
        var first = SplitFields(sample[0].Line, delimiter, sourceName, sample[0].Number);
        var header = IsHeader(first, options, sourceName, sample[0].Number) ? CheckNames(first, sourceName, sample[0].Number) : null;
        return new Start(sample, delimiter, first, sample[0].Number, header);
    }

    /// <summary>
    /// The delimiter among tab, ';' and ',' (in that order of preference) found the same, non-zero
    /// number of times outside quotes on every line; else the one most frequent on the first line;
    /// else ',' (one column).
    /// </summary>
    internal static char DetectDelimiter(IReadOnlyList<string> lines)
    {
        const string candidates = "\t;,";
        foreach (var c in candidates)
        {
            var count = CountOutsideQuotes(lines[0], c);
            if (count > 0 && lines.All(l => CountOutsideQuotes(l, c) == count))
            {
                return c;
            }
        }

        var best = ',';
        var bestCount = 0;
        foreach (var c in candidates)
        {
            var count = CountOutsideQuotes(lines[0], c);
            if (count > bestCount)
            {
                (best, bestCount) = (c, count);
            }
        }

        return best;
    }

    private static int CountOutsideQuotes(string line, char delimiter)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == delimiter && !quoted)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Reads text that is a part of a file (a header line, then the rows from some line on), naming
    /// the file's own line numbers in messages: <paramref name="lineNumbers"/> maps the text's 1-based
    /// line number to the file's (null: the same).
    /// </summary>
    internal static IEnumerable<CsvData> ReadChunks(TextReader reader, string sourceName, CsvReadOptions? options, int rowsPerChunk, Func<int, int>? lineNumbers)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        options ??= new CsvReadOptions();
        using var lines = NonBlankLines(Lines(reader, sourceName, lineNumbers), lineNumbers).GetEnumerator();
        var start = Begin(lines, sourceName, options)
            ?? throw new DataFormatException($"{sourceName}: the file has no data rows.", sourceName);
        var (sample, delimiter, first, firstLine, header) = start;
        var fieldCount = first.Count;

        var labelIndex = options.LabelColumn is null ? -1 : Resolve(options.LabelColumn, header, fieldCount, sourceName, "label column");
        var textSelectors = options.TextColumns ?? [];
        var textIndices = textSelectors.Select(c => Resolve(c, header, fieldCount, sourceName, "text column")).ToArray();
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
            throw new DataFormatException($"{sourceName}: column {ColumnLabel(both, header)} cannot be both a text column and a {(both == labelIndex ? "label column" : "feature")}.", sourceName);
        }

        var names = featureIndices.Select(i => header is null ? $"x{i}" : header[i]).ToArray();
        var looksLikeData = options.HasHeader == true && header is not null && LooksLikeData(first, featureIndices);
        var features = featureIndices.Length;
        var values = new List<float>();
        var labels = labelIndex >= 0 ? new List<string>() : null;
        var texts = textSelectors.Select(_ => new List<string>()).ToArray();
        var rowNumbers = new List<int>();
        long missingCells = 0, skippedRows = 0, rowsRead = 0;
        var dataRow = 0;

        var row = new float[features];

        // Parses a row into `row`; false when it is skipped for its missing values.
        bool ParseRow(List<string> fields, int at)
        {
            if (fields.Count != fieldCount)
            {
                throw new DataFormatException(
                    $"{sourceName}, line {at}: {fields.Count} field(s), but line {firstLine} has {fieldCount}.", sourceName, at);
            }

            dataRow++;
            var missing = 0;
            for (var f = 0; f < features; f++)
            {
                row[f] = ParseCell(fields[featureIndices[f]], sourceName, at, featureIndices[f], header, options.Missing);
                if (float.IsNaN(row[f]))
                {
                    missing++;
                }
            }

            if (missing > options.MaxMissing * features)
            {
                skippedRows++;
                return false;
            }

            missingCells += missing;
            return true;
        }

        void AddRow(List<string> fields, int at)
        {
            values.AddRange(row);
            rowNumbers.Add(dataRow);
            if (labels is not null)
            {
                var label = fields[labelIndex];
                if (label.Length == 0 && !options.AllowEmptyLabels)
                {
                    throw new DataFormatException(
                        $"{sourceName}, line {at}, column {labelIndex + 1} ({ColumnLabel(labelIndex, header)}): the label is empty.", sourceName, at, labelIndex + 1);
                }

                labels.Add(label);
            }

            for (var t = 0; t < textIndices.Length; t++)
            {
                texts[t].Add(fields[textIndices[t]]);
            }
        }

        CsvData Chunk()
        {
            var rows = values.Count / features;
            rowsRead += rows;
            var text = new Dictionary<string, IReadOnlyList<string>>();
            for (var t = 0; t < texts.Length; t++)
            {
                text[textSelectors[t]] = texts[t];
                texts[t] = [];
            }

            var chunk = new CsvData(DataMatrix.Wrap([.. values], rows, features, names), labels)
            {
                Header = header,
                Delimiter = delimiter,
                RowNumbers = rowNumbers,
                MissingCells = missingCells,
                SkippedRows = skippedRows,
                TextColumns = text,
                HeaderLooksLikeData = looksLikeData,
            };
            values = [];
            labels = labels is null ? null : [];
            rowNumbers = [];
            missingCells = 0;
            skippedRows = 0;
            return chunk;
        }

        var full = (long)rowsPerChunk * features;
        IEnumerable<(string Line, int Number)> Rest()
        {
            foreach (var s in sample.Skip(header is null ? 0 : 1))
            {
                yield return s;
            }

            while (lines.MoveNext())
            {
                yield return lines.Current;
            }
        }

        foreach (var (line, number) in Rest())
        {
            var fields = header is null && number == firstLine ? first : SplitFields(line, delimiter, sourceName, number);
            if (!ParseRow(fields, number))
            {
                continue;
            }

            // A full chunk is handed out when the next kept row comes, so that the rows skipped after
            // the last one are counted in the last chunk.
            if (values.Count == full)
            {
                yield return Chunk();
            }

            AddRow(fields, number);
        }

        if (values.Count > 0)
        {
            yield return Chunk();
        }
        else if (skippedRows > 0)
        {
            throw new DataFormatException(
                $"{sourceName}: every data row ({skippedRows}) has more than {options.MaxMissing.ToString("0.###", CultureInfo.InvariantCulture)} of its features missing, so none is left (the maximum share of missing features can be raised up to 1).", sourceName);
        }

        if (rowsRead == 0)
        {
            throw new DataFormatException($"{sourceName}: the file has a header but no data rows.", sourceName);
        }
    }

    /// <summary>
    /// Whether the first row is a header: as the options say; else yes when it holds a column name the
    /// options ask for; else no when every cell of the feature columns is a number or a missing value,
    /// yes when none of them is a number, and a refusal when it mixes numbers and text.
    /// </summary>
    private static bool IsHeader(List<string> first, CsvReadOptions options, string source, int line)
    {
        if (options.HasHeader is { } given)
        {
            return given;
        }

        IEnumerable<string> selectors = [.. options.Columns ?? [], .. options.TextColumns ?? [], .. options.LabelColumn is null ? [] : new[] { options.LabelColumn }];
        if (selectors.Any(s => !IsIndex(s, out _) && first.Any(f => string.Equals(f, s, StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        var notFeatures = selectors.Where(s => !(options.Columns ?? []).Contains(s)).Select(s => IsIndex(s, out var i) ? i : -1).ToHashSet();
        IEnumerable<int> considered = options.Columns is { } columns && columns.All(c => IsIndex(c, out _))
            ? columns.Select(c => IsIndex(c, out var i) ? i : -1).Where(i => i < first.Count)
            : Enumerable.Range(0, first.Count).Where(i => !notFeatures.Contains(i));
        int number = -1, text = -1;
        foreach (var i in considered)
        {
            var cell = first[i];
            if (IsMissing(cell))
            {
                continue;
            }

            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                number = number < 0 ? i : number;
            }
            else
            {
                text = text < 0 ? i : text;
            }
        }

        if (text < 0)
        {
            return false;
        }

        if (number < 0)
        {
            return true;
        }

        throw new DataFormatException(
            $"{source}, line {line}: the first row mixes text (column {text + 1}: '{first[text]}') and numbers (column {number + 1}: '{first[number]}'), so it is neither clearly a header nor clearly data; say whether the file has a header (kohonen: --header yes or --header no).",
            source, line, text + 1);
    }

    /// <summary>Whether a row taken as the header holds, in the feature columns, only numbers and
    /// missing values, at least one number: the cells of a data row.</summary>
    private static bool LooksLikeData(List<string> first, int[] featureIndices)
    {
        var numbers = 0;
        foreach (var i in featureIndices)
        {
            var cell = first[i];
            if (IsMissing(cell))
            {
                continue;
            }

            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }

            numbers++;
        }

        return numbers > 0;
    }

    private static bool IsIndex(string selector, out int index) =>
        int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out index);

    /// <summary>Whether a cell marks a missing value: empty, or NA, NaN or null in any case.</summary>
    internal static bool IsMissing(string cell) =>
        cell.Length == 0
        || cell.Equals("NA", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("null", StringComparison.OrdinalIgnoreCase);

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

    private static float ParseCell(string cell, string source, int line, int index, IReadOnlyList<string>? header, MissingValuePolicy missing)
    {
        if (IsMissing(cell))
        {
            if (missing == MissingValuePolicy.Allow)
            {
                return float.NaN;
            }

            var what = cell.Length == 0 ? "the cell is empty" : $"'{cell}' marks a missing value";
            throw new DataFormatException(
                $"{source}, line {line}, column {index + 1} ({ColumnLabel(index, header)}): {what}; missing values are refused here, every feature value must be a number.",
                source, line, index + 1);
        }

        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new DataFormatException(cell.Any(char.IsLetter)
                ? $"{source}, line {line}, column {index + 1} ({ColumnLabel(index, header)}): '{cell}' is not a number. A column of text can be a label (--label-column), a category one-hot encoded in the map (train --categorical) or an id carried through (predict --id-column); or leave it out by naming the features with --columns."
                : $"{source}, line {line}, column {index + 1} ({ColumnLabel(index, header)}): '{cell}' is not a number (use '.' for the decimal point, no thousands separators).",
                source, line, index + 1)
            {
                ColumnLabel = ColumnLabel(index, header),
                IsTextWhereANumberMustBe = cell.Any(char.IsLetter),
            };
        }

        if (!double.IsFinite(value))
        {
            throw new DataFormatException(
                $"{source}, line {line}, column {index + 1} ({ColumnLabel(index, header)}): '{cell}' is not a finite number; infinity is not allowed (a missing value is an empty cell, NA, NaN or null).",
                source, line, index + 1);
        }

        if (Math.Abs(value) > float.MaxValue)
        {
            throw new DataFormatException(
                $"{source}, line {line}, column {index + 1} ({ColumnLabel(index, header)}): '{cell}' is outside the float32 range (±3.4e38).", source, line, index + 1);
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
