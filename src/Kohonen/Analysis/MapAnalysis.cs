using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// Views of a trained map, each one value per node as a <see cref="GridValues{T}"/>, indexed
/// <c>[x, y]</c> (x the column, y the row). The same views are methods of <see cref="SomModel"/>.
/// </summary>
public static class MapAnalysis
{
    /// <summary>
    /// The U-matrix: for each node, the mean Euclidean distance between its weights and the weights of
    /// its neighbours (<see cref="Grid.NeighborsOf"/>: 8 on a rectangular grid, 6 on a hexagonal one,
    /// fewer at the edges of a flat map); for a map trained with another <see cref="SomModel.Distance"/>,
    /// the mean distance in it. High values mark cluster borders. Not normalised. A one-node map has
    /// no neighbours and gets 0.
    /// </summary>
    /// <param name="model">The map.</param>
    /// <returns>The mean distance of node (x, y) to its neighbours, in the space the map was trained
    /// in (after its scaler).</returns>
    public static GridValues<float> UMatrix(SomModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var grid = model.Grid;
        var codebook = model.Codebook;
        var dim = model.Dimension;
        var result = new float[grid.NodeCount];
        Span<int> neighbors = stackalloc int[Grid.MaxNeighbors];
        for (var node = 0; node < grid.NodeCount; node++)
        {
            var count = grid.NeighborsOf(node, neighbors);
            var sum = 0.0;
            for (var i = 0; i < count; i++)
            {
                sum += model.Distance == DistanceMetric.Euclidean
                    ? Math.Sqrt(SquaredDistance.Scalar(codebook.Slice(node * dim, dim), codebook.Slice(neighbors[i] * dim, dim)))
                    : DistanceSearch.Between(model.Distance, codebook.Slice(node * dim, dim), codebook.Slice(neighbors[i] * dim, dim));
            }

            result[node] = count == 0 ? 0f : (float)(sum / count);
        }

        return new GridValues<float>(grid.Width, grid.Height, result);
    }

    /// <summary>How many rows of <paramref name="data"/> have each node as their BMU
    /// (<see cref="SomModel.FindBmus(DataMatrix, int?)"/>: the columns matched to the features by name,
    /// ties to the lowest node index).</summary>
    /// <param name="model">The map.</param>
    /// <param name="data">At least one row, every value finite.</param>
    /// <exception cref="ArgumentException">The data does not fit the map (see
    /// <see cref="SomModel.FindBmus(DataMatrix, int?)"/>).</exception>
    public static GridValues<int> HitMap(SomModel model, DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new int[model.Grid.NodeCount];
        foreach (var bmu in model.FindBmus(data))
        {
            result[bmu.Index]++;
        }

        return new GridValues<int>(model.Width, model.Height, result);
    }

    /// <summary>The weights of one feature across the map, in the feature's own units (the model's
    /// scaler undone).</summary>
    /// <param name="model">The map.</param>
    /// <param name="feature">The feature's position, 0..Dimension−1 (see
    /// <see cref="SomModel.FeatureNames"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">No such feature.</exception>
    public static GridValues<float> ComponentPlane(SomModel model, int feature)
    {
        ArgumentNullException.ThrowIfNull(model);
        if ((uint)feature >= (uint)model.Dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(feature), feature, $"The model has {model.Dimension} features (0..{model.Dimension - 1}).");
        }

        var dim = model.Dimension;
        var codebook = model.Codebook;
        var result = new float[model.Grid.NodeCount];
        var unscaled = new float[dim];
        for (var node = 0; node < model.Grid.NodeCount; node++)
        {
            var weights = codebook.Slice(node * dim, dim);
            if (model.Scaler is { } scaler)
            {
                scaler.InverseTransform(weights, unscaled);
                weights = unscaled;
            }

            result[node] = weights[feature];
        }

        return new GridValues<float>(model.Width, model.Height, result);
    }

    /// <summary>
    /// The majority label of the rows that map to each node; null where no row maps. A tie goes to the
    /// label that sorts first (ordinal), so the map does not depend on row order.
    /// </summary>
    /// <param name="model">The map.</param>
    /// <param name="data">At least one row, every value finite, matched to the features as
    /// <see cref="SomModel.FindBmus(DataMatrix, int?)"/> does.</param>
    /// <param name="labels">One label per row of <paramref name="data"/>.</param>
    /// <exception cref="ArgumentException">Not one label per row, or the data does not fit the
    /// map.</exception>
    public static GridValues<string?> LabelMap(SomModel model, DataMatrix data, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != data.Rows)
        {
            throw new ArgumentException($"There are {data.Rows} rows but {labels.Count} labels; one label per row is needed.", nameof(labels));
        }

        var bmus = model.FindBmus(data);
        var counts = new Dictionary<string, int>?[model.Grid.NodeCount];
        for (var r = 0; r < bmus.Length; r++)
        {
            var perNode = counts[bmus[r].Index] ??= new Dictionary<string, int>(StringComparer.Ordinal);
            perNode[labels[r]] = perNode.GetValueOrDefault(labels[r]) + 1;
        }

        var result = new string?[counts.Length];
        for (var node = 0; node < counts.Length; node++)
        {
            if (counts[node] is { } perNode)
            {
                result[node] = perNode
                    .OrderByDescending(p => p.Value)
                    .ThenBy(p => p.Key, StringComparer.Ordinal)
                    .First().Key;
            }
        }

        return new GridValues<string?>(model.Width, model.Height, result);
    }
}
