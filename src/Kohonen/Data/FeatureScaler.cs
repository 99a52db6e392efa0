namespace Kohonen;

/// <summary>
/// Per-feature affine rescaling x' = (x − Offset)·Factor, fitted on training data and stored in the
/// model so that predictions see the same transformation. Immutable.
/// </summary>
public sealed partial class FeatureScaler
{
    private readonly float[] _offset;
    private readonly float[] _factor;

    /// <summary>A scaler with explicit parameters (as read from a model file).</summary>
    public FeatureScaler(Scaling kind, ReadOnlySpan<float> offset, ReadOnlySpan<float> factor)
    {
        if (kind == Scaling.None || !Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A scaler is MinMax or ZScore.");
        }

        if (offset.Length != factor.Length || offset.Length == 0)
        {
            throw new ArgumentException($"Offset and factor need the same non-zero length; got {offset.Length} and {factor.Length}.", nameof(factor));
        }

        foreach (var f in factor)
        {
            if (!float.IsFinite(f) || f == 0)
            {
                throw new ArgumentException($"Every factor must be finite and non-zero; got {f}.", nameof(factor));
            }
        }

        foreach (var f in factor)
        {
            if (Math.Abs(f) > MaxFactor)
            {
                throw new ArgumentException($"A factor of {f:R} is beyond ±{MaxFactor:R}: it would send inputs a hair from the offset beyond the values a map measures.", nameof(factor));
            }
        }

        foreach (var o in offset)
        {
            if (!float.IsFinite(o))
            {
                throw new ArgumentException($"Every offset must be finite; got {o}.", nameof(offset));
            }
        }

        Kind = kind;
        _offset = offset.ToArray();
        _factor = factor.ToArray();
    }

    /// <summary>The largest factor a scaler may have: 10²⁴ (a range or spread below 10⁻²⁴ is treated as
    /// a constant feature, factor 1).</summary>
    public const float MaxFactor = 1e24f;

    /// <summary>MinMax or ZScore.</summary>
    public Scaling Kind { get; }

    /// <summary>Number of features.</summary>
    public int Dimension => _offset.Length;

    /// <summary>Subtracted first: the minimum (MinMax) or the mean (ZScore).</summary>
    public ReadOnlySpan<float> Offset => _offset;

    /// <summary>Multiplied after: 1/(max − min) or 1/std, or 1 for a constant feature.</summary>
    public ReadOnlySpan<float> Factor => _factor;

    /// <summary>Fits a scaler on the columns of <paramref name="data"/> (min, max, mean and population
    /// standard deviation computed in double, in row order, over each column's present values: a
    /// missing value, NaN, is left out; a constant column gets factor 1, a column with no present
    /// value offset 0 and factor 1). Returns null for <see cref="Scaling.None"/>. The values are
    /// expected finite or NaN (training checks them first).</summary>
    /// <exception cref="ArgumentException">The data has no rows.</exception>
    public static FeatureScaler? Fit(DataMatrix data, Scaling kind)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(() => [data], data.Columns, kind);
    }

    /// <summary>
    /// Fits a scaler on data given in chunks of rows (read once for min-max, twice for z-score): the
    /// same per-column sums in the same row order as <see cref="Fit(DataMatrix, Scaling)"/>, so the same
    /// scaler, bit for bit, however the rows are chunked.
    /// </summary>
    /// <param name="chunks">Gives the rows in order, in chunks; called once per pass.</param>
    /// <param name="dim">Values per row.</param>
    /// <param name="kind">The scaling.</param>
    internal static FeatureScaler? Fit(Func<IEnumerable<DataMatrix>> chunks, int dim, Scaling kind)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (kind == Scaling.None)
        {
            return null;
        }

        var min = new double[dim];
        var max = new double[dim];
        var sum = new double[dim];
        var present = new long[dim];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        long rows = 0;
        foreach (var chunk in chunks())
        {
            for (var r = 0; r < chunk.Rows; r++)
            {
                var row = chunk.Row(r);
                for (var c = 0; c < dim; c++)
                {
                    double v = row[c];
                    if (double.IsNaN(v))
                    {
                        continue; // a missing value
                    }

                    present[c]++;
                    min[c] = Math.Min(min[c], v);
                    max[c] = Math.Max(max[c], v);
                    sum[c] += v;
                }
            }

            rows += chunk.Rows;
        }

        if (rows == 0)
        {
            throw new ArgumentException("A scaler needs at least one row to fit.", nameof(chunks));
        }

        var offset = new float[dim];
        var factor = new float[dim];
        if (kind == Scaling.MinMax)
        {
            for (var c = 0; c < dim; c++)
            {
                offset[c] = present[c] > 0 ? (float)min[c] : 0f;
                factor[c] = max[c] > min[c] ? (float)(1.0 / (max[c] - min[c])) : 1f;
            }
        }
        else
        {
            var mean = new double[dim];
            for (var c = 0; c < dim; c++)
            {
                mean[c] = present[c] > 0 ? sum[c] / present[c] : 0.0;
            }

            var squares = new double[dim];
            foreach (var chunk in chunks())
            {
                for (var r = 0; r < chunk.Rows; r++)
                {
                    var row = chunk.Row(r);
                    for (var c = 0; c < dim; c++)
                    {
                        var d = row[c] - mean[c];
                        if (!double.IsNaN(d))
                        {
                            squares[c] += d * d;
                        }
                    }
                }
            }

            for (var c = 0; c < dim; c++)
            {
                var std = present[c] > 0 ? Math.Sqrt(squares[c] / present[c]) : 0.0;
                offset[c] = (float)mean[c];
                factor[c] = std > 0 ? (float)(1.0 / std) : 1f;
            }
        }

        for (var c = 0; c < dim; c++)
        {
            // A range or spread below float resolution would give an infinite factor, and one below
            // 1/MaxFactor a factor that sends every other input beyond the values a map measures.
            if (!float.IsFinite(factor[c]) || factor[c] > MaxFactor)
            {
                factor[c] = 1f;
            }
        }

        return new FeatureScaler(kind, offset, factor);
    }

    /// <summary>destination = (source − Offset)·Factor; a missing value (NaN) stays NaN.</summary>
    public void Transform(ReadOnlySpan<float> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (source[i] - _offset[i]) * _factor[i];
        }
    }

    /// <summary>destination = source / Factor + Offset, the inverse of <see cref="Transform(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public void InverseTransform(ReadOnlySpan<float> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (source[i] / _factor[i]) + _offset[i];
        }
    }

    /// <summary>Every row transformed, as a new matrix with the same column names.</summary>
    public DataMatrix Transform(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != Dimension)
        {
            throw new ArgumentException($"The scaler has {Dimension} features; the data has {data.Columns} columns.", nameof(data));
        }

        var result = new float[data.Values.Length];
        for (var r = 0; r < data.Rows; r++)
        {
            Transform(data.Row(r), result.AsSpan(r * Dimension, Dimension));
        }

        return DataMatrix.Wrap(result, data.Rows, data.Columns, data.ColumnNames);
    }

    private void CheckLengths(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != Dimension || destination.Length != Dimension)
        {
            throw new ArgumentException($"The scaler has {Dimension} features; got vectors of {source.Length} and {destination.Length}.");
        }
    }
}
