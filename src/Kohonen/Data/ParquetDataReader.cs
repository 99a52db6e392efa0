using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Kohonen;

/// <summary>
/// Reads Parquet files into the same <see cref="CsvData"/> the CSV reader gives: numeric columns
/// (float, double, decimal, signed and unsigned integers of 8 to 64 bits) as features, named as the
/// schema names them; text columns as labels (<see cref="CsvReadOptions.LabelColumn"/>) and, every one
/// of them, in <see cref="CsvData.TextColumns"/> keyed by its name. A null, or a NaN in a float
/// column, is a missing value (read as NaN or refused, <see cref="CsvReadOptions.Missing"/>); a row
/// with more than <see cref="CsvReadOptions.MaxMissing"/> of its features missing is skipped and
/// counted. <see cref="CsvReadOptions.HasHeader"/> and <see cref="CsvReadOptions.Delimiter"/> do not
/// apply. The file is read one row group at a time.
/// </summary>
public static class ParquetDataReader
{
    /// <summary>Reads a whole file.</summary>
    /// <exception cref="DataFormatException">Not a Parquet file, or a column or value that cannot be
    /// read as asked (the file, row and column named).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<CsvData> ReadAsync(string path, CsvReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<CsvData>();
        await foreach (var part in ReadRowGroupsAsync(path, options, cancellationToken).ConfigureAwait(false))
        {
            parts.Add(part);
        }

        return parts.Count == 1 ? parts[0] : Concat(parts);
    }

    /// <summary>The names of the file's columns, in schema order.</summary>
    /// <exception cref="DataFormatException">Not a Parquet file.</exception>
    public static async Task<IReadOnlyList<string>> ReadColumnNamesAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var stream = Open(path);
        await using var reader = await CreateReaderAsync(stream, path, cancellationToken).ConfigureAwait(false);
        return [.. reader.Schema.Fields.Select(f => f.Name)];
    }

    /// <summary>
    /// Reads a file one row group at a time, holding one: for files larger than memory. Each part holds
    /// one row group's kept rows (a row group whose rows are all skipped gives none) and counts the
    /// missing cells of its rows and the rows it skipped.
    /// </summary>
    /// <exception cref="DataFormatException">As <see cref="ReadAsync"/>.</exception>
    public static IAsyncEnumerable<CsvData> ReadRowGroupsAsync(string path, CsvReadOptions? options = null, CancellationToken cancellationToken = default) =>
        ReadRowGroupsAsync(path, options, null, cancellationToken);

    /// <summary>
    /// As <see cref="ReadRowGroupsAsync(string, CsvReadOptions?, CancellationToken)"/>, reading only the
    /// row groups <paramref name="readGroup"/> (given a group's index, the file's rows before it and its
    /// rows, from the file's metadata) wants: the others are passed over unread, their rows still
    /// counted in the row numbers. Null reads every group.
    /// </summary>
    internal static async IAsyncEnumerable<CsvData> ReadRowGroupsAsync(string path, CsvReadOptions? options, Func<int, long, long, bool>? readGroup, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CsvReadOptions();
        if (options.MaxMissing is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxMissing, "MaxMissing must be in [0, 1].");
        }

        await using var stream = Open(path);
        await using var reader = await CreateReaderAsync(stream, path, cancellationToken).ConfigureAwait(false);
        var fields = reader.Schema.Fields;
        var names = fields.Select(f => f.Name).ToList();

        int Find(string selector, string what)
        {
            var exact = names.IndexOf(selector);
            if (exact >= 0)
            {
                return exact;
            }

            var loose = names.Select((n, i) => (n, i)).Where(p => string.Equals(p.n, selector, StringComparison.OrdinalIgnoreCase)).ToList();
            if (loose.Count == 1)
            {
                return loose[0].i;
            }

            if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return index < names.Count
                    ? index
                    : throw new DataFormatException($"{path}: {what} index {index} is out of range; the file has {names.Count} columns (indices 0..{names.Count - 1}).", path);
            }

            throw new DataFormatException($"{path}: unknown {what} '{selector}'; the columns are: {string.Join(", ", names)} (or a 0-based index).", path);
        }

        var labelIndex = options.LabelColumn is null ? -1 : Find(options.LabelColumn, "label column");
        var asked = (options.TextColumns ?? []).Select(c => (Key: c, Index: Find(c, "text column"))).ToList();
        var textColumns = asked.Concat(Enumerable.Range(0, fields.Count)
            .Where(i => IsText(fields[i]) && asked.All(a => a.Index != i))
            .Select(i => (Key: names[i], Index: i))).ToList();
        int[] featureIndices = options.Columns is null
            ? [.. Enumerable.Range(0, fields.Count).Where(i => i != labelIndex && asked.All(a => a.Index != i) && !IsText(fields[i]))]
            : [.. options.Columns.Select(c => Find(c, "column"))];
        if (featureIndices.Length == 0)
        {
            throw new DataFormatException($"{path}: no numeric feature columns; the columns are: {Describe(fields)}.", path);
        }

        if (featureIndices.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new DataFormatException($"{path}: column '{names[duplicate.Key]}' is chosen twice.", path);
        }

        if (labelIndex >= 0 && featureIndices.Contains(labelIndex))
        {
            throw new DataFormatException($"{path}: column '{names[labelIndex]}' cannot be both a feature and the label column.", path);
        }

        foreach (var i in featureIndices)
        {
            if (fields[i] is not DataField { IsArray: false } field || !IsNumeric(field.ClrType))
            {
                throw new DataFormatException(
                    $"{path}: column '{names[i]}' holds {TypeName(fields[i])}, not numbers; features must be numeric columns (the columns are: {Describe(fields)}).", path);
            }
        }

        foreach (var i in textColumns.Select(t => t.Index).Append(labelIndex).Where(i => i >= 0))
        {
            if (fields[i] is not DataField { IsArray: false })
            {
                throw new DataFormatException($"{path}: column '{names[i]}' holds {TypeName(fields[i])}, which cannot be read as text.", path);
            }
        }

        var featureNames = featureIndices.Select(i => names[i]).ToArray();
        var rowsBefore = 0;
        var keptRows = 0L;
        var skippedTotal = 0L;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            if (readGroup is not null && !readGroup(g, rowsBefore, group.RowCount))
            {
                rowsBefore += (int)group.RowCount;
                continue;
            }

            if (group.RowCount > Array.MaxLength / Math.Max(1, featureIndices.Length))
            {
                throw new DataFormatException($"{path}: row group {g + 1} has {group.RowCount} rows, too many to hold in memory at once.", path);
            }

            var n = (int)group.RowCount;
            var columns = new double[featureIndices.Length][];
            for (var f = 0; f < featureIndices.Length; f++)
            {
                columns[f] = await ReadNumbersAsync(group, (DataField)fields[featureIndices[f]], n, cancellationToken).ConfigureAwait(false);
            }

            var texts = new string?[textColumns.Count][];
            for (var t = 0; t < textColumns.Count; t++)
            {
                texts[t] = await ReadTextAsync(group, (DataField)fields[textColumns[t].Index], n, cancellationToken).ConfigureAwait(false);
            }

            var labelTexts = labelIndex < 0 ? null : await ReadTextAsync(group, (DataField)fields[labelIndex], n, cancellationToken).ConfigureAwait(false);
            var values = new List<float>(n * featureIndices.Length);
            var rowNumbers = new List<int>(n);
            var labels = labelTexts is null ? null : new List<string>(n);
            var kept = textColumns.Select(_ => new List<string>(n)).ToArray();
            long missingCells = 0, skipped = 0;
            for (var r = 0; r < n; r++)
            {
                var rowNumber = rowsBefore + r + 1;
                var missing = 0;
                for (var f = 0; f < featureIndices.Length; f++)
                {
                    var value = columns[f][r];
                    if (double.IsNaN(value))
                    {
                        if (options.Missing == MissingValuePolicy.Error)
                        {
                            throw new DataFormatException(
                                $"{path}, row {rowNumber}, column '{featureNames[f]}': the value is missing (null or NaN); missing values are refused here, every feature value must be a number.", path, rowNumber, featureIndices[f] + 1);
                        }

                        missing++;
                    }
                    else if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
                    {
                        throw new DataFormatException(
                            $"{path}, row {rowNumber}, column '{featureNames[f]}': {value.ToString("R", CultureInfo.InvariantCulture)} is not a finite number within the float32 range (±3.4e38).", path, rowNumber, featureIndices[f] + 1);
                    }
                }

                if (missing > options.MaxMissing * featureIndices.Length)
                {
                    skipped++;
                    continue;
                }

                missingCells += missing;
                for (var f = 0; f < featureIndices.Length; f++)
                {
                    values.Add((float)columns[f][r]);
                }

                rowNumbers.Add(rowNumber);
                if (labels is not null)
                {
                    labels.Add(labelTexts![r] is { Length: > 0 } label
                        ? label
                        : options.AllowEmptyLabels
                        ? ""
                        : throw new DataFormatException($"{path}, row {rowNumber}, column '{names[labelIndex]}': the label is empty.", path, rowNumber, labelIndex + 1));
                }

                for (var t = 0; t < textColumns.Count; t++)
                {
                    kept[t].Add(texts[t][r] ?? "");
                }
            }

            rowsBefore += n;
            skippedTotal += skipped;
            keptRows += rowNumbers.Count;
            if (rowNumbers.Count == 0 && skipped == 0)
            {
                continue;
            }

            yield return new CsvData(DataMatrix.Wrap([.. values], rowNumbers.Count, featureIndices.Length, featureNames), labels)
            {
                RowNumbers = rowNumbers,
                MissingCells = missingCells,
                SkippedRows = skipped,
                TextColumns = textColumns.Select((t, i) => (t.Key, (IReadOnlyList<string>)kept[i])).ToDictionary(p => p.Key, p => p.Item2),
            };
        }

        if (keptRows == 0 && readGroup is null)
        {
            throw new DataFormatException(skippedTotal > 0
                ? $"{path}: every row ({skippedTotal}) has more than {options.MaxMissing.ToString("0.###", CultureInfo.InvariantCulture)} of its features missing, so none is left (the maximum share of missing features can be raised up to 1)."
                : $"{path}: the file has no rows.", path);
        }
    }

    private static FileStream Open(string path) =>
        SafeFile.OpenRead(path, long.MaxValue, reason => new DataFormatException($"{path}: {reason}", path), FileOptions.RandomAccess);

    private static async Task<ParquetReader> CreateReaderAsync(Stream stream, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ParquetException or NotSupportedException or ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            throw new DataFormatException($"{path}: not a readable Parquet file ({e.Message})", path);
        }
    }

    private static bool IsText(Field field) => field is DataField { IsArray: false } data && IsTextType(data.ClrType);

    /// <summary>Text: Parquet.Net gives a string column as string or, untyped, as memory of chars.</summary>
    private static bool IsTextType(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static bool IsNumeric(Type type) =>
        type == typeof(float) || type == typeof(double) || type == typeof(decimal)
        || type == typeof(sbyte) || type == typeof(short) || type == typeof(int) || type == typeof(long)
        || type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    private static string TypeName(Field field) => field switch
    {
        DataField { IsArray: true } => "lists",
        DataField data when IsTextType(data.ClrType) => "text",
        DataField data => data.ClrType.Name switch
        {
            "Boolean" => "true/false values",
            "DateTime" or "DateOnly" or "DateTimeOffset" => "dates",
            "TimeSpan" or "TimeOnly" => "times",
            "Byte[]" => "binary values",
            var other => other,
        },
        _ => "nested values",
    };

    private static string Describe(IReadOnlyList<Field> fields) => string.Join(", ", fields.Select(f => $"{f.Name} ({TypeName(f)})"));

    /// <summary>One column's values as doubles, NaN for a null.</summary>
    private static ValueTask<double[]> ReadNumbersAsync(ParquetRowGroupReader group, DataField field, int n, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        return type == typeof(float) ? ReadAsync<float>(group, field, n, cancellationToken)
            : type == typeof(double) ? ReadAsync<double>(group, field, n, cancellationToken)
            : type == typeof(decimal) ? ReadAsync<decimal>(group, field, n, cancellationToken)
            : type == typeof(sbyte) ? ReadAsync<sbyte>(group, field, n, cancellationToken)
            : type == typeof(short) ? ReadAsync<short>(group, field, n, cancellationToken)
            : type == typeof(int) ? ReadAsync<int>(group, field, n, cancellationToken)
            : type == typeof(long) ? ReadAsync<long>(group, field, n, cancellationToken)
            : type == typeof(byte) ? ReadAsync<byte>(group, field, n, cancellationToken)
            : type == typeof(ushort) ? ReadAsync<ushort>(group, field, n, cancellationToken)
            : type == typeof(uint) ? ReadAsync<uint>(group, field, n, cancellationToken)
            : ReadAsync<ulong>(group, field, n, cancellationToken);
    }

    private static async ValueTask<double[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int n, CancellationToken cancellationToken)
        where T : struct, INumberBase<T>
    {
        var result = new double[n];
        if (field.IsNullable)
        {
            var buffer = new T?[n];
            await group.ReadAsync(field, buffer.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < n; i++)
            {
                result[i] = buffer[i] is { } v ? double.CreateSaturating(v) : double.NaN;
            }
        }
        else
        {
            var buffer = new T[n];
            await group.ReadAsync(field, buffer.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < n; i++)
            {
                result[i] = double.CreateSaturating(buffer[i]);
            }
        }

        return result;
    }

    /// <summary>One column's values as text (numbers in the invariant culture), null for a null.</summary>
    private static async ValueTask<string?[]> ReadTextAsync(ParquetRowGroupReader group, DataField field, int n, CancellationToken cancellationToken)
    {
        if (IsTextType(field.ClrType))
        {
            var buffer = new string?[n];
            await group.ReadAsync(field, buffer.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return buffer;
        }

        if (IsNumeric(field.ClrType))
        {
            var numbers = await ReadNumbersAsync(group, field, n, cancellationToken).ConfigureAwait(false);
            return [.. numbers.Select(v => double.IsNaN(v) ? null : v.ToString("R", CultureInfo.InvariantCulture))];
        }

        throw new DataFormatException($"column '{field.Name}' holds {TypeName(field)}, which cannot be read as text.");
    }

    /// <summary>Row groups joined into one table (counts added).</summary>
    private static CsvData Concat(List<CsvData> parts)
    {
        var first = parts[0].Data;
        var values = new float[parts.Sum(p => (long)p.Data.Values.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.Data.Values.CopyTo(values.AsSpan(at));
            at += part.Data.Values.Length;
        }

        var rows = parts.Sum(p => p.Data.Rows);
        return new CsvData(DataMatrix.Wrap(values, rows, first.Columns, first.ColumnNames), parts[0].Labels is null ? null : [.. parts.SelectMany(p => p.Labels!)])
        {
            RowNumbers = [.. parts.SelectMany(p => p.RowNumbers!)],
            MissingCells = parts.Sum(p => p.MissingCells),
            SkippedRows = parts.Sum(p => p.SkippedRows),
            TextColumns = parts[0].TextColumns.Keys.ToDictionary(k => k, k => (IReadOnlyList<string>)[.. parts.SelectMany(p => p.TextColumns[k])]),
        };
    }
}
