namespace Kohonen;

// SomModel: filling missing values from the map.
public sealed partial class SomModel
{
    /// <summary>
    /// Fills each missing value (NaN) of <paramref name="data"/> with its row's BMU's weight for that
    /// feature, in the feature's own units (the scaler undone), as the SOM Toolbox's
    /// <c>som_fillnans</c> does; present values are copied unchanged. The BMU is found over the row's
    /// present features (<see cref="FindBmus(DataMatrix, int?)"/>). The result has the data's columns,
    /// names and order.
    /// </summary>
    /// <param name="data">At least one row, each with at least one present value; columns matched to
    /// the features as <see cref="FindBmus(DataMatrix, int?)"/> matches them.</param>
    /// <param name="maxThreads">The most threads to use for the BMU search; default all cores.</param>
    /// <returns>A new matrix with no missing value.</returns>
    /// <exception cref="ArgumentException">The columns do not match the features, the data is empty,
    /// holds an infinite value, or a row has every value missing (row named).</exception>
    public DataMatrix Impute(DataMatrix data, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var bmus = FindBmus(data, maxThreads);
        var featureOf = new int[data.Columns];
        var matched = MatchColumns(data);
        for (var c = 0; c < data.Columns; c++)
        {
            featureOf[c] = ReferenceEquals(matched, data) ? c : FeatureNames.ToList().IndexOf(data.ColumnNames[c]);
        }

        var values = data.Values.ToArray();
        var weights = new float[Dimension];
        for (var r = 0; r < data.Rows; r++)
        {
            var row = values.AsSpan(r * data.Columns, data.Columns);
            if (!MissingValues.HasAny(row))
            {
                continue;
            }

            _codebook.AsSpan(bmus[r].Index * Dimension, Dimension).CopyTo(weights);
            Scaler?.InverseTransform(weights, weights);
            for (var c = 0; c < row.Length; c++)
            {
                if (float.IsNaN(row[c]))
                {
                    row[c] = weights[featureOf[c]];
                }
            }
        }

        return DataMatrix.Wrap(values, data.Rows, data.Columns, data.ColumnNames);
    }
}
