using Kohonen.Data;
using Kohonen.Kernels;
using Kohonen.Maps;

namespace Kohonen.Metrics;

/// <summary>
/// How well a map fits data.
/// <list type="bullet">
/// <item><b>Quantization error</b>: the mean Euclidean distance from each sample to its BMU's weights
/// (lower is a closer fit).</item>
/// <item><b>Topographic error</b>: the share of samples whose best and second-best units are not
/// grid neighbours — the 8 surrounding cells on a rectangular grid, the 6 on a hexagonal one,
/// across the edges on a torus (<see cref="Grid.AreNeighbors"/>). Lower means the map keeps the
/// data's topology. Ties for both places go to the lower node index. A one-node map has no second
/// unit: its topographic error is NaN.</item>
/// </list>
/// Both are computed in the space the map was trained in (after the model's scaler), in parallel over
/// rows, with per-row results summed in row order so the figure does not depend on the thread count.
/// </summary>
public static class QualityMetrics
{
    private const int RowsPerChunk = 256;

    /// <summary>Mean distance to the BMU.</summary>
    public static double QuantizationError(SomModel model, DataMatrix data, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return QuantizationErrorOfSearch(model.Search, model.PrepareInput(data), maxThreads ?? Environment.ProcessorCount);
    }

    /// <summary>Share of samples whose two best units are not neighbours.</summary>
    public static double TopographicError(SomModel model, DataMatrix data, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var scaled = model.PrepareInput(data);
        return TopographicErrorOfCodebook(model.CodebookArray, model.Grid, model.Dimension, scaled, maxThreads ?? Environment.ProcessorCount);
    }

    /// <summary>TE of a raw codebook on data already in its space (used during training).</summary>
    internal static double TopographicErrorOfCodebook(float[] codebook, Grid grid, int dim, DataMatrix scaled, int maxThreads) =>
        TopographicErrorOfCodebook(codebook, grid, dim, [scaled], maxThreads);

    /// <summary>TE over rows given in chunks: the same row-order sum as over all rows at once.</summary>
    internal static double TopographicErrorOfCodebook(float[] codebook, Grid grid, int dim, IEnumerable<DataMatrix> scaled, int maxThreads) =>
        grid.NodeCount < 2
            ? double.NaN
            : MeanOverRows(scaled, maxThreads, row =>
            {
                var (best, _, second, _) = BmuSearch.FindBestTwo(codebook, dim, row);
                return grid.AreNeighbors(best, second) ? 0.0 : 1.0;
            });

    /// <summary>
    /// QE and TE of a freshly trained map on its own training data: the last measured step of its
    /// <see cref="SomModel.History"/> when that step is the final iteration (it measured this very map
    /// on this data, so no second pass is needed), otherwise measured now. Give only the data the map
    /// was trained on.
    /// </summary>
    public static (double QuantizationError, double TopographicError) OfTraining(SomModel model, DataMatrix trainingData)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MeasuredAtTheEnd(model) ?? (QuantizationError(model, trainingData), TopographicError(model, trainingData));
    }

    /// <summary>
    /// <see cref="OfTraining(SomModel, DataMatrix)"/> for a map trained on a streamed .npy file: the last
    /// measured step when it is the final one, otherwise measured now, reading the file
    /// <paramref name="rowsPerChunk"/> rows at a time (the same values as over the rows in memory).
    /// </summary>
    public static (double QuantizationError, double TopographicError) OfTraining(SomModel model, NpyRowReader source, int rowsPerChunk)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (MeasuredAtTheEnd(model) is { } measured)
        {
            return measured;
        }

        if (source.Columns != model.Dimension)
        {
            throw new ArgumentException($"The map has {model.Dimension} features; {source.Path} has {source.Columns} columns.", nameof(source));
        }

        IEnumerable<DataMatrix> Scaled() => source.Chunks(rowsPerChunk).Select(c => model.Scaler is null ? c.Rows : model.Scaler.Transform(c.Rows));
        var threads = model.Options?.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        return (QuantizationErrorOfSearch(model.Search, Scaled(), threads),
            TopographicErrorOfCodebook(model.CodebookArray, model.Grid, model.Dimension, Scaled(), threads));
    }

    /// <summary>QE and TE of the history's last step when training measured its final iteration, else null.</summary>
    private static (double QuantizationError, double TopographicError)? MeasuredAtTheEnd(SomModel model) =>
        model.History.Count > 0 && model.Options is { } options && model.History[^1].Iteration == options.Iterations
            ? (model.History[^1].QuantizationError, model.History[^1].TopographicError)
            : null;

    /// <summary>QE of a raw codebook on data already in its space (used during training).</summary>
    internal static double QuantizationErrorOfCodebook(float[] codebook, int dim, DataMatrix scaled, int maxThreads) =>
        QuantizationErrorOfSearch(new NearestNode(codebook, dim), [scaled], maxThreads);

    /// <summary>QE over rows given in chunks: the same row-order sum as over all rows at once.</summary>
    internal static double QuantizationErrorOfCodebook(float[] codebook, int dim, IEnumerable<DataMatrix> scaled, int maxThreads) =>
        QuantizationErrorOfSearch(new NearestNode(codebook, dim), scaled, maxThreads);

    /// <summary>QE through a prepared search (the model's own).</summary>
    internal static double QuantizationErrorOfSearch(NearestNode search, DataMatrix scaled, int maxThreads) =>
        QuantizationErrorOfSearch(search, [scaled], maxThreads);

    internal static double QuantizationErrorOfSearch(NearestNode search, IEnumerable<DataMatrix> scaled, int maxThreads) =>
        MeanOverRows(scaled, maxThreads, row =>
        {
            search.FindBest(row, out var d2);
            return Math.Sqrt(d2);
        });

    private delegate double RowMeasure(ReadOnlySpan<float> row);

    /// <summary>The mean of a measure over the rows: each chunk's rows measured in parallel, then
    /// summed one after the other in row order across all chunks, so chunking changes nothing.</summary>
    private static double MeanOverRows(IEnumerable<DataMatrix> chunks, int maxThreads, RowMeasure measure)
    {
        var sum = 0.0;
        long rows = 0;
        double[] results = [];
        foreach (var data in chunks)
        {
            if (results.Length < data.Rows)
            {
                results = new double[data.Rows];
            }

            var chunkCount = (data.Rows + RowsPerChunk - 1) / RowsPerChunk;
            var local = results;
            Parallel.For(0, chunkCount, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
            {
                var end = Math.Min(data.Rows, (c + 1) * RowsPerChunk);
                for (var r = c * RowsPerChunk; r < end; r++)
                {
                    local[r] = measure(data.Row(r));
                }
            });

            for (var r = 0; r < data.Rows; r++)
            {
                sum += results[r];
            }

            rows += data.Rows;
        }

        return sum / rows;
    }
}
