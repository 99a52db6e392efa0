namespace Kohonen;

/// <summary>
/// Rows of float32 features stored contiguously, row after row (C order), with optional column
/// names. Immutable once built.
/// </summary>
public sealed class DataMatrix
{
    private readonly float[] _values;

    /// <summary>Copies <paramref name="values"/> (rows·columns floats, row after row).</summary>
    /// <exception cref="ArgumentException">The sizes do not match, or a name list has the wrong
    /// length.</exception>
    public DataMatrix(ReadOnlySpan<float> values, int rows, int columns, IReadOnlyList<string>? columnNames = null)
        : this(values.ToArray(), rows, columns, columnNames)
    {
    }

    /// <summary>Takes <paramref name="values"/> as it is (no copy).</summary>
    private DataMatrix(float[] values, int rows, int columns, IReadOnlyList<string>? columnNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if ((long)rows * columns != values.Length)
        {
            throw new ArgumentException($"{rows} rows × {columns} columns need {(long)rows * columns} values; got {values.Length}.", nameof(values));
        }

        if (columnNames is not null && columnNames.Count != columns)
        {
            throw new ArgumentException($"{columns} columns need {columns} names; got {columnNames.Count}.", nameof(columnNames));
        }

        _values = values;
        Rows = rows;
        Columns = columns;
        ColumnNames = columnNames is null
            ? [.. Enumerable.Range(0, columns).Select(i => $"x{i}")]
            : [.. columnNames];
    }

    /// <summary>Number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; }

    /// <summary>The column names: given ones, or x0, x1, ... .</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>All values, row after row.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The value at (row, column).</summary>
    public float this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
            {
                throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {column}) is outside {Rows}×{Columns}.");
            }

            return _values[(row * Columns) + column];
        }
    }

    /// <summary>One row.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in 0..{Rows - 1}.");
        }

        return _values.AsSpan(row * Columns, Columns);
    }

    /// <summary>Builds a matrix from jagged rows (all of the same length).</summary>
    public static DataMatrix FromRows(IReadOnlyList<float[]> rows, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is needed to know the number of columns.", nameof(rows));
        }

        var columns = rows[0].Length;
        var values = new float[(long)rows.Count * columns];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != columns)
            {
                throw new ArgumentException($"Row {r} has {rows[r].Length} values; row 0 has {columns}.", nameof(rows));
            }

            rows[r].CopyTo(values, (long)r * columns);
        }

        return new DataMatrix(values, rows.Count, columns, columnNames);
    }

    /// <summary>Wraps an array the caller gives up (no copy).</summary>
    internal static DataMatrix Wrap(float[] values, int rows, int columns, IReadOnlyList<string>? columnNames = null) =>
        new(values, rows, columns, columnNames);

    /// <summary>The backing array, for kernels inside the library (never handed out).</summary>
    internal float[] RawValues => _values;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first NaN or infinite value.</summary>
    public void EnsureFinite()
    {
        var span = _values.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                throw new ArgumentException(
                    $"Row {i / Columns}, column {i % Columns} ('{ColumnNames[i % Columns]}') is {span[i]}; only finite numbers are allowed.");
            }
        }
    }
}
