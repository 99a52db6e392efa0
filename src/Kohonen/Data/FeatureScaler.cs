namespace Kohonen.Data;

/// <summary>
/// Per-feature affine rescaling x' = (x − Offset)·Factor, fitted on training data and stored in the
/// model so that predictions see the same transformation. Immutable.
/// </summary>
public sealed class FeatureScaler
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

    /// <summary>MinMax or ZScore.</summary>
    public Scaling Kind { get; }

    /// <summary>Number of features.</summary>
    public int Dimension => _offset.Length;

    /// <summary>Subtracted first: the minimum (MinMax) or the mean (ZScore).</summary>
    public ReadOnlySpan<float> Offset => _offset;

    /// <summary>Multiplied after: 1/(max − min) or 1/std, or 1 for a constant feature.</summary>
    public ReadOnlySpan<float> Factor => _factor;

    /// <summary>Fits a scaler on the columns of <paramref name="data"/> (computed in double).
    /// Returns null for <see cref="Scaling.None"/>.</summary>
    public static FeatureScaler? Fit(DataMatrix data, Scaling kind)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (kind == Scaling.None)
        {
            return null;
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("A scaler needs at least one row to fit.", nameof(data));
        }

        var dim = data.Columns;
        var offset = new float[dim];
        var factor = new float[dim];
        var values = data.Values;
        for (var c = 0; c < dim; c++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
            for (var r = 0; r < data.Rows; r++)
            {
                double v = values[(r * dim) + c];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
            }

            if (kind == Scaling.MinMax)
            {
                offset[c] = (float)min;
                factor[c] = max > min ? (float)(1.0 / (max - min)) : 1f;
            }
            else
            {
                var mean = sum / data.Rows;
                double squares = 0;
                for (var r = 0; r < data.Rows; r++)
                {
                    var d = values[(r * dim) + c] - mean;
                    squares += d * d;
                }

                var std = Math.Sqrt(squares / data.Rows);
                offset[c] = (float)mean;
                factor[c] = std > 0 ? (float)(1.0 / std) : 1f;
            }

            // A range or spread below float resolution would give an infinite factor.
            if (!float.IsFinite(factor[c]))
            {
                factor[c] = 1f;
            }
        }

        return new FeatureScaler(kind, offset, factor);
    }

    /// <summary>destination = (source − Offset)·Factor.</summary>
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

    /// <summary>Every row transformed, as a new matrix.</summary>
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
