namespace Kohonen;

/// <summary>
/// Reads a <c>.npy</c> file (the dtypes and shapes <see cref="NpyFile"/> reads) a chunk of rows at a
/// time, never holding more than one chunk: for data larger than memory. Values are checked as they
/// are read (a NaN is a missing value): an infinite value, or a float64 beyond the float32 range, is a <see cref="DataFormatException"/> naming its row and column.
/// </summary>
internal sealed class NpyRowReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly int _bytesPerValue;
    private readonly bool _littleEndian;
    private byte[] _bytes = [];

    private NpyRowReader(FileStream stream, string path, long dataStart, int rows, int columns, int bytesPerValue, bool littleEndian, IReadOnlyList<string>? columnNames)
    {
        _stream = stream;
        Path = path;
        _dataStart = dataStart;
        Rows = rows;
        Columns = columns;
        _bytesPerValue = bytesPerValue;
        _littleEndian = littleEndian;
        ColumnNames = columnNames ?? [.. Enumerable.Range(0, columns).Select(c => $"x{c}")];
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Rows in the file.</summary>
    public int Rows { get; }

    /// <summary>Values per row.</summary>
    public int Columns { get; }

    /// <summary>x0, x1, … (a .npy file has no column names), unless given when opened.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Opens a file and reads its header; the data stays on disk.</summary>
    /// <exception cref="DataFormatException">Not a .npy file, an unsupported dtype or shape, or
    /// shorter than its header says.</exception>
    public static NpyRowReader Open(string path) => Open(path, null);

    /// <summary>Opens a file whose columns have names (a CSV file converted for streaming).</summary>
    /// <exception cref="ArgumentException">Not one name per column.</exception>
    public static NpyRowReader Open(string path, IReadOnlyList<string>? columnNames)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = SafeFile.OpenRead(path, long.MaxValue, reason => new DataFormatException($"{path}: {reason}", path), FileOptions.RandomAccess);
        try
        {
            var (descr, rows, columns) = NpyFile.ReadHeader(stream, path);
            var bytesPerValue = descr[2] == '8' ? 8 : 4;
            var start = stream.Position;
            var needed = start + ((long)rows * columns * bytesPerValue);
            if (stream.Length < needed)
            {
                throw new DataFormatException($"{path}: the file has {stream.Length} bytes; its header announces {rows}×{columns} values ({needed} bytes). It is truncated.", path);
            }

            if (columnNames is not null && columnNames.Count != columns)
            {
                throw new ArgumentException($"{columnNames.Count} column names for the {columns} columns of {path}.", nameof(columnNames));
            }

            return new NpyRowReader(stream, path, start, rows, columns, bytesPerValue, descr[0] != '>', columnNames);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads rows [first, first + destination.Length / Columns) into <paramref name="destination"/>.</summary>
    /// <exception cref="DataFormatException">A value is infinite (row and column named).</exception>
    public void Read(long first, Span<float> destination)
    {
        var count = destination.Length / Columns;
        if (first < 0 || count * Columns != destination.Length || first + count > Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"Rows {first}..{first + count} are not within the file's {Rows} rows, or the destination is not whole rows.");
        }

        var byteCount = destination.Length * _bytesPerValue;
        if (_bytes.Length < byteCount)
        {
            _bytes = new byte[byteCount];
        }

        var bytes = _bytes.AsSpan(0, byteCount);
        RandomAccess.Read(_stream.SafeFileHandle, bytes, _dataStart + (first * Columns * _bytesPerValue));
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = NpyFile.Value(bytes.Slice(i * _bytesPerValue, _bytesPerValue), _littleEndian, Path, (first * Columns) + i, Columns);
        }
    }

    /// <summary>The rows in chunks of at most <paramref name="rowsPerChunk"/>, each read when it is asked
    /// for. A full chunk reuses one buffer: use it before asking for the next.</summary>
    public IEnumerable<(long First, DataMatrix Rows)> Chunks(int rowsPerChunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        var full = new float[(long)Math.Min(rowsPerChunk, Rows) * Columns];
        for (long first = 0; first < Rows; first += rowsPerChunk)
        {
            var count = (int)Math.Min(rowsPerChunk, Rows - first);
            var buffer = count * Columns == full.Length ? full : new float[count * Columns];
            Read(first, buffer);
            yield return (first, DataMatrix.Wrap(buffer, count, Columns, ColumnNames));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
