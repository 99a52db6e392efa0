namespace Kohonen;

/// <summary>
/// Rows of float32 features stored contiguously, row after row (C order), with column names.
/// Immutable once built.
/// </summary>
/// <remarks>
/// Data built without names gets x0, x1, …, which count as no names: a model matches named columns to
/// its features by name and unnamed ones by position (<see cref="SomModel.FindBmus(DataMatrix, int?)"/>).
/// A NaN is a missing value: training and prediction use the present values of a row only. An
/// infinite value is refused by training and prediction, naming the row and column
/// (<see cref="EnsureFinite"/>).
/// </remarks>
public sealed class DataMatrix
{
    private readonly float[] _values;
    /// <summary><see cref="Facts"/> packed for a single atomic write: 0 until found, else
    /// <see cref="ValueFacts.Packed"/>.</summary>
    private int _facts;

    /// <summary>Copies <paramref name="values"/> (rows·columns floats, row after row).</summary>
    /// <exception cref="ArgumentException">The sizes do not match, or a name list has the wrong
    /// length.</exception>
    public DataMatrix(ReadOnlySpan<float> values, int rows, int columns, IReadOnlyList<string>? columnNames = null)
        : this(values.ToArray(), rows, columns, columnNames)
    {
    }

    /// <summary>
    /// Converts <paramref name="values"/> (rows·columns doubles, row after row) to float32, each rounded
    /// to the nearest float.
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not match, a name list has the wrong length, or
    /// a finite value is beyond the range of float (±3.4·10³⁸; row and column named).</exception>
    public DataMatrix(ReadOnlySpan<double> values, int rows, int columns, IReadOnlyList<string>? columnNames = null)
        : this(ToSingle(values, columns), rows, columns, columnNames)
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
    /// <exception cref="ArgumentOutOfRangeException">Outside the matrix.</exception>
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

    /// <summary>One row (a read-only view, no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such row.</exception>
    public ReadOnlySpan<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in 0..{Rows - 1}.");
        }

        return _values.AsSpan(row * Columns, Columns);
    }

    /// <summary>Builds a matrix from jagged rows (all of the same length), copying them.</summary>
    /// <param name="rows">At least one row.</param>
    /// <param name="columnNames">One name per column, or null for x0, x1, … .</param>
    /// <exception cref="ArgumentException">No rows, rows of different lengths, or a name list of the
    /// wrong length.</exception>
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

    /// <summary>Builds a matrix from jagged rows of doubles (all of the same length), each value rounded
    /// to the nearest float.</summary>
    /// <param name="rows">At least one row.</param>
    /// <param name="columnNames">One name per column, or null for x0, x1, … .</param>
    /// <exception cref="ArgumentException">No rows, rows of different lengths, a name list of the wrong
    /// length, or a finite value beyond the range of float.</exception>
    public static DataMatrix FromRows(IReadOnlyList<double[]> rows, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is needed to know the number of columns.", nameof(rows));
        }

        var columns = rows[0].Length;
        var values = new double[(long)rows.Count * columns];
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

    /// <summary>Builds a matrix from a rectangular array indexed [row, column], copying it.</summary>
    /// <param name="values">Rows × columns values; at least one column.</param>
    /// <param name="columnNames">One name per column, or null for x0, x1, … .</param>
    /// <exception cref="ArgumentException">No columns, or a name list of the wrong length.</exception>
    public static DataMatrix FromArray(float[,] values, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new float[values.Length];
        var i = 0;
        foreach (var v in values)
        {
            copy[i++] = v;
        }

        return new DataMatrix(copy, values.GetLength(0), values.GetLength(1), columnNames);
    }

    /// <summary>Builds a matrix from a rectangular array of doubles indexed [row, column], each value
    /// rounded to the nearest float.</summary>
    /// <param name="values">Rows × columns values; at least one column.</param>
    /// <param name="columnNames">One name per column, or null for x0, x1, … .</param>
    /// <exception cref="ArgumentException">No columns, a name list of the wrong length, or a finite value
    /// beyond the range of float.</exception>
    public static DataMatrix FromArray(double[,] values, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new double[values.Length];
        var i = 0;
        foreach (var v in values)
        {
            copy[i++] = v;
        }

        return new DataMatrix(copy, values.GetLength(0), values.GetLength(1), columnNames);
    }

    /// <summary>Whether names are the x0, x1, … given to data without names.</summary>
    internal static bool AreDefaultNames(IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] != $"x{i}")
            {
                return false;
            }
        }

        return true;
    }

    private static float[] ToSingle(ReadOnlySpan<double> values, int columns)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
            if (float.IsInfinity(result[i]) && double.IsFinite(values[i]))
            {
                var column = Math.Max(columns, 1);
                throw new ArgumentException($"Row {i / column}, column {i % column} is {values[i]}, beyond the range of float (±{float.MaxValue}).", nameof(values));
            }
        }

        return result;
    }

    /// <summary>Wraps an array the caller gives up (no copy).</summary>
    internal static DataMatrix Wrap(float[] values, int rows, int columns, IReadOnlyList<string>? columnNames = null) =>
        new(values, rows, columns, columnNames);

    /// <summary>The backing array, for kernels inside the library (never handed out).</summary>
    internal float[] RawValues => _values;

    /// <summary>
    /// The largest magnitude a value may have where a map measures distances (its own units, or after
    /// the model's scaling when it scales): 10¹³. Within it, and with a map's weights within
    /// <see cref="MaxWeight"/>, a squared distance cannot overflow float32 for any number of features,
    /// so every input has a correct BMU; beyond it the input is refused.
    /// </summary>
    public const float MaxMagnitude = 1e13f;

    /// <summary>The largest magnitude a weight of a map with <paramref name="dimension"/> features may
    /// have: √(float.MaxValue / (4·dimension)) − <see cref="MaxMagnitude"/> (about 5·10¹⁸ for 3 features,
    /// 2·10¹⁴ for 2³¹), so that dimension·(input + weight)² stays within float.</summary>
    internal static float MaxWeight(int dimension) =>
        (float)(Math.Sqrt(float.MaxValue / (4.0 * Math.Max(dimension, 1))) - MaxMagnitude);

    /// <summary>The position of the first value beyond ±<see cref="MaxMagnitude"/> (infinities included,
    /// NaN not), or −1: the range rule, kept apart from <see cref="EnsureFinite"/>.</summary>
    internal static int FirstBeyondRange(ReadOnlySpan<float> values)
    {
        // A long span is checked with vectors first (one input vector, on the service's hot path,
        // is answered by the plain loop alone).
        if (values.Length >= 256 && !ValueFacts.Of(values).AnyBeyondRange)
        {
            return -1;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (Math.Abs(values[i]) > MaxMagnitude)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><see cref="FirstBeyondRange(ReadOnlySpan{float})"/> of this matrix's values (its one
    /// pass over them shared with <see cref="EnsureFinite"/> and <see cref="HasMissing"/>).</summary>
    internal int FirstBeyondRange() => Facts.AnyBeyondRange ? FirstBeyondRange(_values) : -1;

    /// <summary>Whether any value is missing (NaN).</summary>
    internal bool HasMissing => Facts.AnyMissing;

    /// <summary>What one vector pass over the values found, made on first use: the matrix never changes,
    /// and training asks for each of these of data that can be hundreds of megabytes.</summary>
    private ValueFacts Facts
    {
        get
        {
            var packed = Volatile.Read(ref _facts);
            if (packed == 0)
            {
                // Two threads may both look; they find the same facts.
                packed = ValueFacts.Of(_values).Packed;
                Volatile.Write(ref _facts, packed);
            }

            return ValueFacts.Unpack(packed);
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the row, column and value of the first
    /// infinite value, in row order; does nothing when there is none. NaN is a missing value and is
    /// allowed (<see cref="CountMissing"/>).</summary>
    public void EnsureFinite()
    {
        if (!Facts.AnyInfinite)
        {
            return;
        }

        var span = _values.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            if (float.IsInfinity(span[i]))
            {
                throw new ArgumentException(
                    $"Row {i / Columns}, column {i % Columns} ('{ColumnNames[i % Columns]}') is {span[i]}; only finite numbers, or NaN for a missing value, are allowed.");
            }
        }
    }

    /// <summary>The number of missing values (NaN) in the matrix.</summary>
    public long CountMissing()
    {
        long missing = 0;
        foreach (var v in _values)
        {
            missing += float.IsNaN(v) ? 1 : 0;
        }

        return missing;
    }

    /// <summary>The number of rows with every value missing (NaN): training skips them, and prediction
    /// refuses them.</summary>
    public int CountEmptyRows()
    {
        if (!HasMissing)
        {
            return 0;
        }

        var empty = 0;
        for (var r = 0; r < Rows; r++)
        {
            empty += MissingValues.CountPresent(Row(r)) == 0 ? 1 : 0;
        }

        return empty;
    }
}
