namespace Kohonen;

// SomModel: inputs as users have them: doubles, and named columns in any order.
public sealed partial class SomModel
{
    /// <summary>The BMU of one input given as doubles: each value is rounded to the nearest float, then
    /// as <see cref="FindBmu(ReadOnlySpan{float})"/>.</summary>
    /// <param name="input"><see cref="Dimension"/> finite values within the range of float, or NaN for
    /// a missing value, in the model's feature order and the data's own units.</param>
    /// <exception cref="ArgumentException">A wrong length, an infinite or too large value (its
    /// position and feature named), or every value missing.</exception>
    public Bmu FindBmu(ReadOnlySpan<double> input)
    {
        Span<float> single = input.Length <= 1024 ? stackalloc float[input.Length] : new float[input.Length];
        ToSingle(input, single, "The input");
        return FindBmu(single);
    }

    /// <summary>
    /// The data's columns in the model's feature order. When both the data's columns and the model's
    /// features have names (other than x0, x1, …), columns are matched by name, in any order; otherwise by
    /// position.
    /// </summary>
    internal DataMatrix MatchColumns(DataMatrix data)
    {
        if (_namedFeatures && !data.ColumnNames.SequenceEqual(FeatureNames, StringComparer.Ordinal) && !DataMatrix.AreDefaultNames(data.ColumnNames))
        {
            var position = new Dictionary<string, int>(StringComparer.Ordinal);
            var repeated = new List<string>();
            for (var c = 0; c < data.Columns; c++)
            {
                if (!position.TryAdd(data.ColumnNames[c], c))
                {
                    repeated.Add(data.ColumnNames[c]);
                }
            }

            var missing = FeatureNames.Where(f => !position.ContainsKey(f)).ToList();
            var extra = data.ColumnNames.Where(c => !FeatureNames.Contains(c, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0 || repeated.Count > 0)
            {
                var problems = new List<string>();
                if (missing.Count > 0)
                {
                    problems.Add($"missing {Quoted(missing)}");
                }

                if (extra.Count > 0)
                {
                    problems.Add($"not features of the map: {Quoted(extra)}");
                }

                if (repeated.Count > 0)
                {
                    problems.Add($"named twice: {Quoted(repeated.Distinct(StringComparer.Ordinal))}");
                }

                var encode = Encoder is { HasCategories: true } ? " The map one-hot encodes categorical columns: give the table with its text to Encode or FindBmusWithCategories first." : "";
                throw new ArgumentException(
                    $"The data's columns are matched to the map's features by name, and they do not match: {string.Join("; ", problems)}. The map's features: {Quoted(FeatureNames)}.{encode}", nameof(data));
            }

            var values = new float[(long)data.Rows * Dimension];
            var source = data.Values;
            for (var r = 0; r < data.Rows; r++)
            {
                for (var f = 0; f < Dimension; f++)
                {
                    values[((long)r * Dimension) + f] = source[(r * data.Columns) + position[FeatureNames[f]]];
                }
            }

            return DataMatrix.Wrap(values, data.Rows, Dimension, FeatureNames);
        }

        if (data.Columns != Dimension)
        {
            throw new ArgumentException(
                $"The map has {Dimension} features ({string.Join(", ", FeatureNames)}); the data has {data.Columns} columns.", nameof(data));
        }

        return data;
    }

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>Rounds doubles to floats (NaN, a missing value, stays NaN), refusing infinite and too
    /// large values by position.</summary>
    private void ToSingle(ReadOnlySpan<double> input, Span<float> destination, string what)
    {
        if (input.Length != Dimension)
        {
            throw new ArgumentException($"{what} has {input.Length} values; the map expects {Dimension} ({string.Join(", ", FeatureNames)}).");
        }

        for (var i = 0; i < input.Length; i++)
        {
            var value = (float)input[i];
            if (float.IsInfinity(value))
            {
                throw new ArgumentException(double.IsFinite(input[i])
                    ? $"{what}'s value {i} ('{FeatureNames[i]}') is {input[i]}, beyond the range of float (±{float.MaxValue})."
                    : $"{what}'s value {i} ('{FeatureNames[i]}') is {input[i]}; only finite numbers, or NaN for a missing value, are allowed.");
            }

            destination[i] = value;
        }
    }
}
