using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// The quantization and topographic errors in a distance other than Euclidean
/// (<see cref="DistanceMetric"/>): QE the mean distance to the BMU in that distance (Σ|x − w| for
/// Manhattan, 1 − cos θ for cosine), TE the share of rows whose best two nodes in it are not grid
/// neighbours. The searches are <see cref="DistanceSearch"/>'s, the sums
/// <see cref="QualityMetrics"/>'s (row order, whatever the threads).
/// </summary>
internal static class DistanceMetrics
{
    /// <summary>QE and TE of a raw codebook on rows already in its space, given in chunks, in one pass.</summary>
    public static (double QuantizationError, double TopographicError) OfCodebook(float[] codebook, Grid grid, int dim, IEnumerable<DataMatrix> scaled, int maxThreads, DistanceMetric distance)
    {
        var search = new DistanceSearch(codebook, dim, distance);
        if (grid.NodeCount < 2)
        {
            return (QuantizationError(search, scaled, maxThreads), double.NaN);
        }

        return QualityMetrics.MeansOverRows(scaled, maxThreads, (rows, distances, apart) =>
        {
            Span<int> best = stackalloc int[DistanceSearch.MaxRowsPerCall];
            Span<int> second = stackalloc int[DistanceSearch.MaxRowsPerCall];
            Span<float> nearest = stackalloc float[DistanceSearch.MaxRowsPerCall];
            search.FindBestTwo(rows, best, second, nearest);
            for (var r = 0; r < distances.Length; r++)
            {
                distances[r] = nearest[r];
                apart[r] = grid.AreNeighbors(best[r], second[r]) ? 0.0 : 1.0;
            }
        });
    }

    /// <summary>QE through a prepared search (a model's own).</summary>
    public static double QuantizationError(DistanceSearch search, IEnumerable<DataMatrix> scaled, int maxThreads) =>
        QualityMetrics.MeansOverRows(scaled, maxThreads, (rows, distances, _) =>
        {
            Span<int> best = stackalloc int[DistanceSearch.MaxRowsPerCall];
            Span<float> nearest = stackalloc float[DistanceSearch.MaxRowsPerCall];
            search.FindBest(rows, best, nearest);
            for (var r = 0; r < distances.Length; r++)
            {
                distances[r] = nearest[r];
            }
        }).First;
}
