using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// How well a map fits data.
/// <list type="bullet">
/// <item><b>Quantization error</b>: the mean Euclidean distance from each sample to its BMU's weights
/// (lower is a closer fit); for a map trained with another <see cref="SomModel.Distance"/>, the mean
/// distance in it.</item>
/// <item><b>Topographic error</b>: the share of samples whose best and second-best units are not
/// grid neighbours — the 8 surrounding cells on a rectangular grid, the 6 on a hexagonal one,
/// across the edges on a torus (<see cref="Grid.AreNeighbors"/>). Lower means the map keeps the
/// data's topology. Ties for both places go to the lower node index. A one-node map has no second
/// unit: its topographic error is NaN.</item>
/// </list>
/// Both are computed in the space the map was trained in (after the model's scaler), in parallel over
/// rows, with per-row results summed in row order so the figure does not depend on the thread count.
/// A row with missing values (NaN) is measured over its present features: its BMUs are the nearest
/// nodes over those, and its distance the square root of the squared distance over them scaled by
/// total/present features (as R's kohonen does). During training, rows with every value missing are
/// left out of both means.
/// </summary>
public static class QualityMetrics
{
    private const int RowsPerChunk = 256;

    /// <summary>Mean distance to the BMU.</summary>
    public static double QuantizationError(SomModel model, DataMatrix data, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.OtherSearch is { } other)
        {
            return DistanceMetrics.QuantizationError(other, [Complete(model.PrepareInput(data), model.Distance)], maxThreads ?? Environment.ProcessorCount);
        }

        return QuantizationErrorOfSearch(model.Search, model.PrepareInput(data), maxThreads ?? Environment.ProcessorCount);
    }

    /// <summary>Share of samples whose two best units are not neighbours.</summary>
    public static double TopographicError(SomModel model, DataMatrix data, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OfCodebook(model.CodebookArray, model.Grid, model.Dimension, [model.PrepareInput(data)], maxThreads ?? Environment.ProcessorCount, model.Distance).TopographicError;
    }

    /// <summary>
    /// QE and TE of a raw codebook on rows already in its space, given in chunks (used during training
    /// and for streamed files), in one pass: each row's best and second-best node with the best one's
    /// squared distance, both exactly those of a node-by-node scan, through the search
    /// <see cref="SearchPlanner.ForBestTwo"/> picks: the blocked one (<see cref="BlockedBmuSearch.FindBestTwo"/>),
    /// bounded blocks below 8 features (<see cref="BoundedBlocks.FindBestTwo"/>, on a finite codebook)
    /// or row by row.
    /// The sums run in row order, so chunking and threads change nothing.
    /// </summary>
    internal static (double QuantizationError, double TopographicError) OfCodebook(float[] codebook, Grid grid, int dim, IEnumerable<DataMatrix> scaled, int maxThreads, DistanceMetric distance = DistanceMetric.Euclidean)
    {
        if (distance != DistanceMetric.Euclidean)
        {
            return DistanceMetrics.OfCodebook(codebook, grid, dim, scaled.Select(chunk => Complete(chunk, distance)), maxThreads, distance);
        }

        var (distances, apart, rows) = SumsOfCodebook(codebook, grid, dim, scaled, maxThreads, default);
        return (distances / rows, grid.NodeCount < 2 ? double.NaN : apart / rows);
    }

    /// <summary>
    /// What <see cref="OfCodebook"/> divides by the rows: the sum of the rows' distances to their BMUs,
    /// the number of rows whose best two nodes are not neighbours (0 on a map of one node), and the
    /// rows, each added one row after the other in row order onto <paramref name="start"/>. Ranges of
    /// rows measured one after the other, each starting from the sums the previous range ended with,
    /// give the sums of all the rows in one go, bit for bit (how a cluster measures its partitions).
    /// </summary>
    internal static (double Distances, double Apart, long Rows) SumsOfCodebook(float[] codebook, Grid grid, int dim, IEnumerable<DataMatrix> scaled, int maxThreads,
        (double Distances, double Apart, long Rows) start)
    {
        if (grid.NodeCount < 2)
        {
            var search = new NearestNode(codebook, dim);
            return SumsOverRows(scaled, maxThreads, start, (rows, distances, _) =>
            {
                Span<int> best = stackalloc int[RowsPerChunk];
                Span<float> d2 = stackalloc float[RowsPerChunk];
                if (MissingValues.HasAny(rows))
                {
                    for (var r = 0; r < distances.Length; r++)
                    {
                        var row = rows.Slice(r * dim, dim);
                        best[r] = MissingValues.HasAny(row) ? MaskedSearch.FindBest(codebook, dim, row, out d2[r]) : search.FindBest(row, out d2[r]);
                    }
                }
                else
                {
                    search.FindBest(rows, best, d2);
                }

                for (var r = 0; r < distances.Length; r++)
                {
                    distances[r] = Math.Sqrt(d2[r]);
                }
            });
        }

        var nodes = grid.NodeCount;
        var kind = SearchPlanner.ForBestTwo(dim, nodes, RowsPerChunk);
        var prepared = kind == BmuSearchKind.Blocked ? new BlockedBmuSearch.Prepared(codebook, dim) : null;
        var blocks = kind == BmuSearchKind.BoundedBlocks && BoundedBlocks.AllFinite(codebook) ? new BoundedBlocks(codebook, dim, tiles: grid) : null;
        return SumsOverRows(scaled, maxThreads, start, (rows, distances, apart) =>
        {
            var count = rows.Length / dim;
            Span<int> best = stackalloc int[RowsPerChunk];
            Span<int> second = stackalloc int[RowsPerChunk];
            Span<float> d2 = stackalloc float[RowsPerChunk];
            if (MissingValues.HasAny(rows))
            {
                // Row by row: complete rows by the node-by-node scan, rows with holes over their present features.
                for (var r = 0; r < count; r++)
                {
                    var row = rows.Slice(r * dim, dim);
                    (best[r], d2[r], second[r]) = MissingValues.HasAny(row)
                        ? MaskedSearch.FindBestTwo(codebook, dim, row)
                        : Best(BmuSearch.FindBestTwo(codebook, dim, row));
                }
            }
            else if (prepared is not null && SearchPlanner.ForBestTwo(dim, nodes, count) == BmuSearchKind.Blocked)
            {
                BlockedBmuSearch.FindBestTwo(prepared, rows, best, second, d2);
            }
            else if (blocks is not null)
            {
                for (var r = 0; r < count; r++)
                {
                    (best[r], d2[r], second[r]) = blocks.FindBestTwo(rows.Slice(r * dim, dim));
                }
            }
            else
            {
                for (var r = 0; r < count; r++)
                {
                    (best[r], d2[r], second[r], _) = BmuSearch.FindBestTwo(codebook, dim, rows.Slice(r * dim, dim));
                }
            }

            for (var r = 0; r < count; r++)
            {
                distances[r] = Math.Sqrt(d2[r]);
                apart[r] = best[r] < 0 ? double.NaN : grid.AreNeighbors(best[r], second[r]) ? 0.0 : 1.0;
            }
        });
    }

    /// <summary>
    /// QE and TE of a freshly trained map on its own training data: the last measured step of its
    /// <see cref="SomModel.History"/> when that step is the final iteration (it measured this very map
    /// on this data, so no second pass is needed), otherwise measured now. Give only the data the map
    /// was trained on.
    /// </summary>
    public static (double QuantizationError, double TopographicError) OfTraining(SomModel model, DataMatrix trainingData)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MeasuredAtTheEnd(model)
            ?? OfCodebook(model.CodebookArray, model.Grid, model.Dimension, [model.PrepareInput(trainingData, keepEmptyRows: true)], model.Options?.MaxDegreeOfParallelism ?? Environment.ProcessorCount, model.Distance);
    }

    /// <summary>
    /// <see cref="OfTraining(SomModel, DataMatrix)"/> for a map trained on a <see cref="DataSource"/>:
    /// the last measured step when it is the final one, otherwise measured now, reading a streamed
    /// source a chunk at a time (the same values as over the rows in memory).
    /// </summary>
    public static (double QuantizationError, double TopographicError) OfTraining(SomModel model, DataSource trainingData)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainingData);
        if (trainingData.Whole is { } whole)
        {
            return OfTraining(model, whole);
        }

        if (MeasuredAtTheEnd(model) is { } measured)
        {
            return measured;
        }

        if (trainingData.Columns != model.Dimension)
        {
            throw new ArgumentException($"The map has {model.Dimension} features; the data has {trainingData.Columns} columns.", nameof(trainingData));
        }

        IEnumerable<DataMatrix> Scaled() => trainingData.Chunks().Select(c => model.Scaler is null ? c : model.Scaler.Transform(c));
        return OfCodebook(model.CodebookArray, model.Grid, model.Dimension, Scaled(), model.Options?.MaxDegreeOfParallelism ?? Environment.ProcessorCount, model.Distance);
    }

    /// <summary>QE and TE of the history's last step when training measured its final iteration, else null.</summary>
    private static (double QuantizationError, double TopographicError)? MeasuredAtTheEnd(SomModel model) =>
        model.History.Count > 0 && model.Options is { } options && model.History[^1].Iteration == options.Iterations
            ? (model.History[^1].QuantizationError, model.History[^1].TopographicError)
            : null;

    /// <summary>QE through a prepared search (the model's own), a block of rows per call (the search
    /// the planner picks for that many rows).</summary>
    internal static double QuantizationErrorOfSearch(NearestNode search, DataMatrix scaled, int maxThreads) =>
        QuantizationErrorOfSearch(search, [scaled], maxThreads);

    internal static double QuantizationErrorOfSearch(NearestNode search, IEnumerable<DataMatrix> scaled, int maxThreads) =>
        MeansOverRows(scaled, maxThreads, (rows, distances, _) =>
        {
            Span<int> best = stackalloc int[RowsPerChunk];
            Span<float> d2 = stackalloc float[RowsPerChunk];
            if (MissingValues.HasAny(rows))
            {
                for (var r = 0; r < distances.Length; r++)
                {
                    var row = rows.Slice(r * search.Dimension, search.Dimension);
                    best[r] = MissingValues.HasAny(row)
                        ? MaskedSearch.FindBest(search.Codebook, search.Dimension, row, out d2[r])
                        : search.FindBest(row, out d2[r]);
                }
            }
            else
            {
                search.FindBest(rows, best, d2);
            }

            for (var r = 0; r < distances.Length; r++)
            {
                distances[r] = Math.Sqrt(d2[r]);
            }
        }).First;

    /// <summary>The rows, refused when they have missing values: other distances measure complete rows.</summary>
    private static DataMatrix Complete(DataMatrix rows, DistanceMetric distance) => MissingValues.HasAny(rows.Values)
        ? throw new ArgumentException($"The {OptionText.ToText(distance)} distance needs every value; only a map in the Euclidean distance can measure rows with missing values (NaN).")
        : rows;

    private static (int Best, float DistanceSquared, int Second) Best((int Best, float DistanceSquared, int Second, float SecondDistanceSquared) found) =>
        (found.Best, found.DistanceSquared, found.Second);

    /// <summary>Measures the rows of one chunk (row-major): two figures per row (the first NaN for a
    /// row left out).</summary>
    internal delegate void ChunkMeasure(ReadOnlySpan<float> rows, Span<double> first, Span<double> second);

    /// <summary>The means of a pair of per-row measures: each chunk's rows measured in parallel, a
    /// block of <see cref="RowsPerChunk"/> rows at a time, then summed one after the other in row order
    /// across all chunks, so chunking changes nothing.</summary>
    internal static (double First, double Second) MeansOverRows(IEnumerable<DataMatrix> chunks, int maxThreads, ChunkMeasure measure)
    {
        var (sum, sum2, rows) = SumsOverRows(chunks, maxThreads, default, measure);
        return (sum / rows, sum2 / rows);
    }

    /// <summary>The sums behind <see cref="MeansOverRows"/>, carried on from <paramref name="start"/>.</summary>
    private static (double First, double Second, long Rows) SumsOverRows(IEnumerable<DataMatrix> chunks, int maxThreads, (double First, double Second, long Rows) start, ChunkMeasure measure)
    {
        var (sum, sum2, rows) = start;
        double[] first = [], second = [];
        foreach (var data in chunks)
        {
            if (first.Length < data.Rows)
            {
                first = new double[data.Rows];
                second = new double[data.Rows];
            }

            var blocks = (data.Rows + RowsPerChunk - 1) / RowsPerChunk;
            var (a, b) = (first, second);
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
            {
                var start = c * RowsPerChunk;
                var count = Math.Min(data.Rows, start + RowsPerChunk) - start;
                measure(data.Values.Slice(start * data.Columns, count * data.Columns), a.AsSpan(start, count), b.AsSpan(start, count));
            });

            for (var r = 0; r < data.Rows; r++)
            {
                if (double.IsNaN(first[r]))
                {
                    continue; // a row with every value missing
                }

                sum += first[r];
                sum2 += second[r];
                rows++;
            }
        }

        return (sum, sum2, rows);
    }
}
