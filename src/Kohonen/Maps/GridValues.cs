namespace Kohonen;

/// <summary>
/// One value per node of a map's grid, read-only: what <see cref="SomModel.UMatrix"/>,
/// <see cref="SomModel.HitMap"/>, <see cref="SomModel.ComponentPlane"/> and
/// <see cref="SomModel.LabelMap"/> return. Indexed <c>[x, y]</c> as the grid is: x the column
/// (0..<see cref="Width"/>−1), y the row (0..<see cref="Height"/>−1).
/// </summary>
/// <typeparam name="T">The value of a node.</typeparam>
/// <remarks>
/// The values are stored row after row, node index y·Width + x, as the codebook is:
/// <see cref="AsSpan"/>, <see cref="this[int]"/> and enumeration read them in that order. A coordinate outside the
/// grid is an <see cref="ArgumentOutOfRangeException"/> that names it and the allowed range.
/// </remarks>
public sealed class GridValues<T> : IReadOnlyList<T>
{
    private readonly T[] _values;

    /// <summary>Takes ownership of <paramref name="values"/> (width·height values, row after row).</summary>
    internal GridValues(int width, int height, T[] values)
    {
        System.Diagnostics.Debug.Assert(values.Length == width * height, "one value per node");
        Width = width;
        Height = height;
        _values = values;
    }

    /// <summary>Columns of the grid (the range of x).</summary>
    public int Width { get; }

    /// <summary>Rows of the grid (the range of y).</summary>
    public int Height { get; }

    /// <summary>The number of nodes, Width·Height.</summary>
    public int Count => _values.Length;

    /// <summary>The value of node (x, y).</summary>
    /// <param name="x">The column, 0..Width−1.</param>
    /// <param name="y">The row, 0..Height−1.</param>
    /// <exception cref="ArgumentOutOfRangeException">x or y is outside the grid (the message names
    /// which).</exception>
    public T this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width)
            {
                ThrowOutside(nameof(x), x, Width, "column");
            }

            if ((uint)y >= (uint)Height)
            {
                ThrowOutside(nameof(y), y, Height, "row");
            }

            return _values[(y * Width) + x];
        }
    }

    /// <summary>The value of the node with the given index (y·Width + x).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..Count−1.</exception>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_values.Length)
            {
                ThrowOutside(nameof(index), index, _values.Length, "node index");
            }

            return _values[index];
        }
    }

    /// <summary>All values, row after row (node index order: y·Width + x).</summary>
    public ReadOnlySpan<T> AsSpan() => _values;

    /// <summary>A copy as a <c>[y, x]</c> array (rows first, as image and matrix libraries index).</summary>
    public T[,] ToRowMajorArray()
    {
        var result = new T[Height, Width];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                result[y, x] = _values[(y * Width) + x];
            }
        }

        return result;
    }

    /// <summary>The values in node index order (row after row).</summary>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_values).GetEnumerator();

    /// <inheritdoc />
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOutside(string name, int value, int count, string what) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} is outside the grid: a {what} in 0..{count - 1}.");
}
