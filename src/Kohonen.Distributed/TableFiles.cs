using System.Text;

namespace Kohonen.Distributed;

/// <summary>
/// The data files a partition reads a row range of: a .npy array, a CSV or TSV text file, or a
/// Parquet file (by the extension, as the command line tells them apart). Text and Parquet rows are
/// parsed by the core's own readers, so every float is the one a single machine reads.
/// </summary>
internal static class TableFiles
{
    /// <summary>The most entries of <see cref="DataShape.RowOffsets"/> a text file is described with.</summary>
    private const int MaxOffsets = 4096;

    public static bool IsParquet(string path) => Path.GetExtension(path).Equals(".parquet", StringComparison.OrdinalIgnoreCase);

    public static bool IsText(string path) => Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".tsv" or ".txt";

    /// <summary>A CSV or TSV file's rows, columns and names, its header and separator as decided, and
    /// where every <see cref="DataShape.RowStride"/>-th row starts (one pass over the bytes).</summary>
    public static DataShape DescribeText(string path, TableReading reading, int maxOffsets = MaxOffsets)
    {
        // The first rows through the reader itself: the header and the separator decided, the
        // columns chosen and the names, exactly as one machine reads them.
        var first = CsvDataReader.ReadChunks(path, reading.ToCsvOptions(MissingValuePolicy.Allow), 1).First();
        var hasHeader = first.Header is not null;
        using var stream = Open(path);
        var scanner = CsvLineScanner.AtStart(stream, path);
        if (hasHeader)
        {
            scanner.NextRow(out _, out _, out _);
        }

        var offsets = new List<long>();
        var lines = new List<long>();
        long stride = 1, rows = 0;
        while (scanner.NextRow(out var start, out var line, out _))
        {
            if (rows % stride == 0)
            {
                if (offsets.Count == maxOffsets)
                {
                    // Keep every other entry, twice as far apart.
                    var kept = (maxOffsets + 1) / 2;
                    for (var i = 0; i < kept; i++)
                    {
                        offsets[i] = offsets[2 * i];
                        lines[i] = lines[2 * i];
                    }

                    offsets.RemoveRange(kept, offsets.Count - kept);
                    lines.RemoveRange(kept, lines.Count - kept);
                    stride *= 2;
                }

                if (rows % stride == 0)
                {
                    offsets.Add(start);
                    lines.Add(line);
                }
            }

            rows++;
        }

        if (rows > int.MaxValue)
        {
            throw new DataFormatException($"{path}: {rows} rows, more than a training takes ({int.MaxValue}); cut the file into parts.", path);
        }

        return new DataShape
        {
            Rows = (int)rows,
            Columns = first.Data.Columns,
            ColumnNames = [.. first.Data.ColumnNames],
            HasHeader = hasHeader,
            Delimiter = first.Delimiter,
            RowOffsets = [.. offsets],
            RowLines = [.. lines],
            RowStride = stride,
        };
    }

    /// <summary>A Parquet file's rows (from its row groups' metadata), columns and names (from its
    /// first row group with rows, read through the core's reader).</summary>
    public static async Task<DataShape> DescribeParquetAsync(string path, TableReading reading)
    {
        long rows = 0;
        var found = false;
        CsvData? first = null;
        bool ReadGroup(int group, long before, long count)
        {
            rows = before + count;
            var read = !found && count > 0;
            found |= read;
            return read;
        }

        await foreach (var part in ParquetDataReader.ReadRowGroupsAsync(path, reading.ToCsvOptions(MissingValuePolicy.Allow), ReadGroup).ConfigureAwait(false))
        {
            first ??= part;
        }

        if (first is null)
        {
            throw new DataFormatException($"{path}: the file has no rows.", path);
        }

        if (rows > int.MaxValue)
        {
            throw new DataFormatException($"{path}: {rows} rows, more than a training takes ({int.MaxValue}); cut the file into parts.", path);
        }

        return new DataShape { Rows = (int)rows, Columns = first.Data.Columns, ColumnNames = [.. first.Data.ColumnNames] };
    }

    /// <summary>The partition's rows of a CSV or TSV file: the reader seeks to the row the spec
    /// names, passes the rows before its range by their line ends, then parses its rows (after the
    /// header, so that the columns are chosen by name as on one machine).</summary>
    public static DataMatrix ReadText(string path, PartitionSpec spec)
    {
        var reading = spec.Reading!;
        using var stream = Open(path);
        string? header = null;
        long headerLine = 0;
        if (reading.HasHeader == true)
        {
            var start = CsvLineScanner.AtStart(stream, path);
            if (!start.NextRow(out var from, out headerLine, out var to))
            {
                throw Changed(path);
            }

            var bytes = new byte[to - from];
            stream.Position = from;
            stream.ReadExactly(bytes);
            header = Encoding.UTF8.GetString(bytes);
        }

        var scanner = new CsvLineScanner(stream, spec.SeekByte, spec.SeekLine);
        for (var skip = spec.FirstRowInFile - spec.SeekRow; skip > 0; skip--)
        {
            if (!scanner.NextRow(out _, out _, out _))
            {
                throw Changed(path);
            }
        }

        var firstLine = scanner.Line;
        stream.Position = scanner.Position;
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: scanner.Position == 0, bufferSize: 1 << 16, leaveOpen: true);
        using var reader = header is null ? (TextReader)text : new PrefixedReader(header + "\n", text);
        Func<int, int> lineNumbers = header is null
            ? n => (int)(firstLine + n - 1)
            : n => n == 1 ? (int)headerLine : (int)(firstLine + n - 2);
        var chunk = CsvDataReader.ReadChunks(reader, path, reading.ToCsvOptions(), spec.Rows, lineNumbers).FirstOrDefault();
        if (chunk is null || chunk.Data.Rows != spec.Rows)
        {
            throw Changed(path);
        }

        return chunk.Data;
    }

    /// <summary>The partition's rows of a Parquet file: the row groups before and after its range
    /// are passed over unread.</summary>
    public static async Task<DataMatrix> ReadParquetAsync(string path, PartitionSpec spec)
    {
        var first = spec.FirstRowInFile;
        var end = first + spec.Rows;
        float[]? values = null;
        string[] names = [];
        var columns = 0;
        long filled = 0;
        await foreach (var part in ParquetDataReader.ReadRowGroupsAsync(path, spec.Reading!.ToCsvOptions(), (_, before, count) => before < end && before + count > first).ConfigureAwait(false))
        {
            var data = part.Data;
            if (values is null)
            {
                columns = data.Columns;
                names = [.. data.ColumnNames];
                values = new float[(long)spec.Rows * columns];
            }

            // No row is skipped (missing values are refused): the part's rows are the file's rows
            // RowNumbers names, 1-based.
            var numbers = part.RowNumbers!;
            for (var r = 0; r < data.Rows; r++)
            {
                var row = numbers[r] - 1L;
                if (row >= first && row < end)
                {
                    data.Row(r).CopyTo(values.AsSpan((int)((row - first) * columns), columns));
                    filled++;
                }
            }
        }

        if (values is null || filled != spec.Rows)
        {
            throw Changed(path);
        }

        return DataMatrix.Wrap(values, spec.Rows, columns, names);
    }

    private static FileStream Open(string path) =>
        SafeFile.OpenRead(path, long.MaxValue, reason => new DataFormatException($"{path}: {reason}", path), FileOptions.RandomAccess);

    private static DataFormatException Changed(string path) =>
        new($"{path}: the file has fewer rows than when the training counted them; was it changed? Train again on a file that stays as it is.", path);

    /// <summary>A line of text, then a reader's text.</summary>
    private sealed class PrefixedReader(string prefix, TextReader rest) : TextReader
    {
        private int _at;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_at < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }

            return rest.Read(buffer);
        }

        public override int Peek() => _at < prefix.Length ? prefix[_at] : rest.Peek();

        public override int Read() => _at < prefix.Length ? prefix[_at++] : rest.Read();
    }
}
