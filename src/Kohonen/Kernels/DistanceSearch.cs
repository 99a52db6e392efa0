// The BMU searches of the distances other than Euclidean over a fixed codebook (a model, a batch epoch, the metrics).
// Guarantees: Manhattan: the first node at the least ManhattanDistance. Cosine: the node-by-node scan's
// Euclidean BMU of the unit row among the unit nodes (CosineNormal), whichever Euclidean search the
// planner picks (the blocked one for many rows), its distance halved; a row of zeros goes to node 0 at ½.
// Ties to the lowest index; the same answers for one row or many and whatever the threads.
// Held by: tests/Kohonen.Tests/Kernels/DistanceKernelTests.cs, Metrics/DistanceMetricTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*' '*BatchPredictionBenchmarks*'

using System.Buffers;
using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>
/// BMU searches in the Manhattan or cosine distance (<see cref="DistanceMetric"/>) over a codebook that
/// does not change while it is searched: the best node of one row or of a block of rows, and each
/// row's best two (the topographic error). Distances are in the metric's own units: Σ|x − w| for
/// Manhattan, ½‖x̂ − ŵ‖² for cosine. Immutable and thread-safe.
/// </summary>
internal sealed class DistanceSearch
{
    /// <summary>The most rows one call of the block searches takes.</summary>
    public const int MaxRowsPerCall = 256;

    /// <summary>The cosine distance the search gives a row of zeros, to every node.</summary>
    public const float ZeroRowCosine = 0.5f;

    private readonly float[]? _planes;
    private readonly float[]? _unitCodebook;
    private readonly NearestNode? _unitSearch;
    private BlockedBmuSearch.Prepared? _prepared;

    public DistanceSearch(float[] codebook, int dim, DistanceMetric metric)
    {
        Debug.Assert(metric != DistanceMetric.Euclidean);
        Metric = metric;
        Dimension = dim;
        NodeCount = codebook.Length / dim;
        if (metric == DistanceMetric.Manhattan)
        {
            Debug.Assert(SearchPlanner.ForDistance(metric, dim, NodeCount, 1) == BmuSearchKind.Planar);
            _planes = CodebookLayout.ToPlanes(codebook, dim);
        }
        else
        {
            _unitCodebook = new float[codebook.Length];
            CosineNormal.NormalizeEach(codebook, dim, _unitCodebook);
            _unitSearch = new NearestNode(_unitCodebook, dim);
        }
    }

    public DistanceMetric Metric { get; }

    public int Dimension { get; }

    public int NodeCount { get; }

    /// <summary>The BMU of one row, the node range split over threads when the codebook is large.</summary>
    public int FindBest(ReadOnlySpan<float> input, int maxThreads, out float distance)
    {
        if (_planes is not null)
        {
            return ManhattanDistance.FindBest(_planes, NodeCount, input, maxThreads, out distance);
        }

        Span<float> unit = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        if (!CosineNormal.Normalize(input, unit))
        {
            distance = ZeroRowCosine;
            return 0;
        }

        var best = _unitSearch!.FindBest(unit, maxThreads, out var d2);
        distance = 0.5f * d2;
        return best;
    }

    /// <summary>The BMUs of a block of rows (row-major, at most <see cref="MaxRowsPerCall"/>) on this
    /// thread; the same answers as <see cref="FindBest(ReadOnlySpan{float}, int, out float)"/> row by row.</summary>
    public void FindBest(ReadOnlySpan<float> rows, Span<int> best, Span<float> distance)
    {
        var count = rows.Length / Dimension;
        Debug.Assert(count <= MaxRowsPerCall);
        if (_planes is not null)
        {
            for (var r = 0; r < count; r++)
            {
                best[r] = ManhattanDistance.FindBest(_planes, NodeCount, rows.Slice(r * Dimension, Dimension), 0, NodeCount, out distance[r]);
            }

            return;
        }

        var buffer = ArrayPool<float>.Shared.Rent(rows.Length);
        try
        {
            Span<bool> zero = stackalloc bool[count];
            var unit = buffer.AsSpan(0, rows.Length);
            CosineNormal.NormalizeEach(rows, Dimension, unit, zero);
            _unitSearch!.FindBest(unit, best, distance);
            for (var r = 0; r < count; r++)
            {
                (best[r], distance[r]) = zero[r] ? (0, ZeroRowCosine) : (best[r], 0.5f * distance[r]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Each row's best and second-best node and the best one's distance (ties to the lower
    /// index for both places; with one node the second is −1), for a block of at most
    /// <see cref="MaxRowsPerCall"/> rows: for cosine through the search
    /// <see cref="SearchPlanner.ForBestTwo"/> picks (the blocked one for many rows).</summary>
    public void FindBestTwo(ReadOnlySpan<float> rows, Span<int> best, Span<int> second, Span<float> distance)
    {
        var count = rows.Length / Dimension;
        Debug.Assert(count <= MaxRowsPerCall);
        if (_planes is not null)
        {
            for (var r = 0; r < count; r++)
            {
                (best[r], distance[r], second[r], _) = ManhattanDistance.FindBestTwo(_planes, NodeCount, rows.Slice(r * Dimension, Dimension));
            }

            return;
        }

        var buffer = ArrayPool<float>.Shared.Rent(rows.Length);
        try
        {
            Span<bool> zero = stackalloc bool[count];
            var unit = buffer.AsSpan(0, rows.Length);
            CosineNormal.NormalizeEach(rows, Dimension, unit, zero);
            if (SearchPlanner.ForBestTwo(Dimension, NodeCount, count) == BmuSearchKind.Blocked)
            {
                BlockedBmuSearch.FindBestTwo(Prepared(), unit, best, second, distance);
            }
            else
            {
                for (var r = 0; r < count; r++)
                {
                    (best[r], distance[r], second[r], _) = BmuSearch.FindBestTwo(_unitCodebook, Dimension, unit.Slice(r * Dimension, Dimension));
                }
            }

            for (var r = 0; r < count; r++)
            {
                if (zero[r])
                {
                    (best[r], second[r], distance[r]) = (0, NodeCount > 1 ? 1 : -1, ZeroRowCosine);
                }
                else
                {
                    distance[r] *= 0.5f;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>The distance of two weight vectors in <paramref name="metric"/> (Manhattan or cosine), as
    /// the searches measure a row's: for the U-matrix.</summary>
    public static double Between(DistanceMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(metric != DistanceMetric.Euclidean);
        if (metric == DistanceMetric.Manhattan)
        {
            return ManhattanDistance.Scalar(a, b);
        }

        Span<float> unitA = a.Length <= 512 ? stackalloc float[a.Length] : new float[a.Length];
        Span<float> unitB = b.Length <= 512 ? stackalloc float[b.Length] : new float[b.Length];
        return CosineNormal.Normalize(a, unitA) | CosineNormal.Normalize(b, unitB)
            ? 0.5f * SquaredDistance.Compute(unitA, unitB)
            : 0.0; // two nodes of zeros: no directions, no distance
    }

    /// <summary>The distance from <paramref name="input"/> to every node, as the searches measure it.</summary>
    public void DistancesTo(ReadOnlySpan<float> input, Span<float> destination)
    {
        if (_planes is not null)
        {
            ManhattanDistance.ToNodes(_planes, NodeCount, input, 0, destination[..NodeCount]);
            return;
        }

        Span<float> unit = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        if (!CosineNormal.Normalize(input, unit))
        {
            destination[..NodeCount].Fill(ZeroRowCosine);
            return;
        }

        for (var k = 0; k < NodeCount; k++)
        {
            destination[k] = 0.5f * SquaredDistance.Compute(_unitCodebook.AsSpan(k * Dimension, Dimension), unit);
        }
    }

    /// <summary>The unit codebook laid out for the blocked search, made once, on first use.</summary>
    private BlockedBmuSearch.Prepared Prepared()
    {
        if (Volatile.Read(ref _prepared) is { } prepared)
        {
            return prepared;
        }

        Interlocked.CompareExchange(ref _prepared, new BlockedBmuSearch.Prepared(_unitCodebook!, Dimension), null);
        return _prepared!;
    }
}
