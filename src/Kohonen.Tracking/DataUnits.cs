namespace Kohonen.Tracking;

/// <summary>Measures of a map in the data's own units, so that maps trained with different scalings of
/// the same data can be ranked against each other.</summary>
public static class DataUnits
{
    /// <summary>
    /// The quantization error in the data's own units: the mean over the rows of ‖x − S⁻¹(w)‖, where x
    /// is the row as given (before scaling), w the weights of its BMU (found, as always, in the scaled
    /// space) and S⁻¹ the inverse of the model's scaler (x = x′/factor + offset per feature), summed in
    /// double. Without a scaler it is the quantization error itself. A row with missing values (NaN)
    /// is measured over its present features, the sum of squares scaled by total/present features
    /// before the square root (as the map's own measures do); a row with none present is not counted.
    /// NaN when there are no rows to count.
    /// </summary>
    /// <param name="model">The trained map.</param>
    /// <param name="chunks">The rows, unscaled, in one or more chunks.</param>
    public static double QuantizationError(SomModel model, IEnumerable<DataMatrix> chunks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(chunks);
        var dim = model.Dimension;
        var nodes = model.Width * model.Height;
        var codebook = new float[nodes * dim];
        for (var y = 0; y < model.Height; y++)
        {
            for (var x = 0; x < model.Width; x++)
            {
                var weights = model.GetWeights(x, y);
                var target = codebook.AsSpan(model.Grid.IndexOf(x, y) * dim, dim);
                if (model.Scaler is { } scaler)
                {
                    scaler.InverseTransform(weights, target);
                }
                else
                {
                    weights.CopyTo(target);
                }
            }
        }

        double sum = 0;
        long rows = 0;
        foreach (var chunk in chunks)
        {
            var bmus = model.FindBmus(chunk);
            for (var i = 0; i < chunk.Rows; i++)
            {
                var row = chunk.Row(i);
                if (bmus[i].Index < 0)
                {
                    continue;
                }

                var w = codebook.AsSpan(bmus[i].Index * dim, dim);
                double squares = 0;
                var present = 0;
                for (var j = 0; j < dim; j++)
                {
                    if (float.IsNaN(row[j]))
                    {
                        continue;
                    }

                    var d = (double)row[j] - w[j];
                    squares += d * d;
                    present++;
                }

                if (present == 0)
                {
                    continue;
                }

                sum += Math.Sqrt(present == dim ? squares : squares * dim / present);
                rows++;
            }
        }

        return rows == 0 ? double.NaN : sum / rows;
    }
}
