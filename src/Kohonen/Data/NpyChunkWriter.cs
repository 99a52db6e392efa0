namespace Kohonen;

/// <summary>
/// Writes rows that come in chunks, one call at a time, as one float32 <c>.npy</c> matrix (for a
/// source read asynchronously, such as a Parquet file's row groups): the header, whose row count is
/// known only at the end, is written by <see cref="Complete"/> over a fixed-size placeholder. The file
/// is written in place; a writer disposed before <see cref="Complete"/> leaves an unfinished file that
/// the caller deletes.
/// </summary>
public sealed class NpyChunkWriter : IDisposable
{
    private const int HeaderBytes = 128; // room for any (rows, columns) of two ints
    private readonly FileStream _stream;
    private readonly string _path;
    private long _rows;
    private int? _columns;

    private NpyChunkWriter(string path, FileStream stream)
    {
        _path = path;
        _stream = stream;
    }

    /// <summary>Creates (or replaces) the file and writes a placeholder header.</summary>
    public static NpyChunkWriter Create(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        NpyFile.WriteHeader(stream, 0, 0, HeaderBytes);
        return new NpyChunkWriter(path, stream);
    }

    /// <summary>Appends a chunk's rows.</summary>
    /// <exception cref="DataFormatException">The chunk has another number of columns than the first,
    /// or the rows are more than a .npy file here may hold (2³¹ − 1).</exception>
    public void Write(DataMatrix chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        _columns ??= chunk.Columns;
        if (chunk.Columns != _columns)
        {
            throw new DataFormatException($"{_path}: a chunk of {chunk.Columns} columns among chunks of {_columns}.", _path);
        }

        _rows += chunk.Rows;
        if (_rows > int.MaxValue)
        {
            throw new DataFormatException($"{_path}: more than {int.MaxValue} rows; split the data.", _path);
        }

        NpyFile.WriteValues(_stream, chunk.Values);
    }

    /// <summary>Writes the header with the final shape and closes the file.</summary>
    /// <returns>The number of rows written.</returns>
    public int Complete()
    {
        _stream.Position = 0;
        NpyFile.WriteHeader(_stream, (int)_rows, _columns ?? 0, HeaderBytes);
        _stream.Dispose();
        return (int)_rows;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
