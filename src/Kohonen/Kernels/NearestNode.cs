// The BMU searches over a fixed codebook (a model's predictions, QE, the batch map below 8 features).
// Guarantees: the node-by-node scan's node and distance, for one row or many, whichever search the planner picks.
// Held by: tests/Kohonen.Tests/Kernels/SearchPlannerTests.cs and BoundedBlocksTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*' '*BatchPredictionBenchmarks*'

namespace Kohonen.Kernels;

/// <summary>
/// BMU searches over a fixed codebook, each the one <see cref="SearchPlanner"/> picks: for one row,
/// bounded blocks below <see cref="BmuSearch.PlanarBelowDimension"/> features where the processor has
/// vectors (<see cref="BoundedBlocks"/>), planes there otherwise, node by node from there on; for
/// many rows at a time from <see cref="BmuSearch.PlanarBelowDimension"/> features, the blocked search
/// (<see cref="BlockedBmuSearch"/>, its layout made on the first such call). All give the node-by-node
/// scan's answer, distance included, so predictions agree with the BMUs training saw.
/// Immutable and thread-safe; the codebook must not change while it is used.
/// </summary>
internal sealed class NearestNode
{
    private readonly float[] _codebook;
    private readonly float[]? _planes;
    private readonly BoundedBlocks? _blocks;
    private BlockedBmuSearch.Prepared? _prepared;

    public NearestNode(float[] codebook, int dim)
    {
        _codebook = codebook;
        Dimension = dim;
        NodeCount = codebook.Length / dim;
        Kind = SearchPlanner.ForOneRow(dim);
        _blocks = Kind == BmuSearchKind.BoundedBlocks ? new BoundedBlocks(codebook, dim) : null;
        _planes = Kind == BmuSearchKind.Planar ? CodebookLayout.ToPlanes(codebook, dim) : null;
    }

    public int Dimension { get; }

    /// <summary>The node-major codebook searched (for the masked search of rows with missing values).</summary>
    public float[] Codebook => _codebook;

    public int NodeCount { get; }

    /// <summary>The search a single row goes through.</summary>
    public BmuSearchKind Kind { get; }

    /// <summary>The BMU on this thread.</summary>
    public int FindBest(ReadOnlySpan<float> input, out float distanceSquared) =>
        _blocks is not null ? _blocks.FindBest(input, out distanceSquared)
        : _planes is null ? BmuSearch.FindBest(_codebook, Dimension, input, 0, NodeCount, out distanceSquared)
        : BmuSearch.FindBestPlanar(_planes, NodeCount, input, 0, NodeCount, out distanceSquared);

    /// <summary>The BMUs of many rows (row-major) on this thread, through the search the planner picks
    /// for this many rows; the same answers as <see cref="FindBest(ReadOnlySpan{float}, out float)"/>
    /// row by row.</summary>
    public void FindBest(ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared)
    {
        var count = rows.Length / Dimension;
        if (SearchPlanner.ForFixedCodebook(Dimension, NodeCount, count) == BmuSearchKind.Blocked)
        {
            var prepared = Prepared();
            BlockedBmuSearch.FindBest(prepared, rows, best);
            for (var r = 0; r < count; r++)
            {
                // The scan's distance of its winner: the same function on the same node.
                distanceSquared[r] = SquaredDistance.Compute(_codebook.AsSpan(best[r] * Dimension, Dimension), rows.Slice(r * Dimension, Dimension));
            }

            return;
        }

        if (_blocks is not null)
        {
            // Many rows at a time go through the blocks' grid of cells once it pays (1 to 3 features).
            _blocks.FindBest(rows, best, distanceSquared);
            return;
        }

        for (var r = 0; r < count; r++)
        {
            best[r] = FindBest(rows.Slice(r * Dimension, Dimension), out distanceSquared[r]);
        }
    }

    /// <summary>The BMU, the node range split over threads when the codebook is large (bounded blocks
    /// search on this thread: they measure few nodes).</summary>
    public int FindBest(ReadOnlySpan<float> input, int maxThreads, out float distanceSquared) =>
        _blocks is not null ? _blocks.FindBest(input, out distanceSquared)
        : _planes is null
            ? BmuSearch.FindBest(_codebook, Dimension, input, maxThreads, out distanceSquared)
            : BmuSearch.FindBestPlanar(_planes, NodeCount, input, maxThreads, out distanceSquared);

    /// <summary>The codebook laid out for the blocked search, made once, on first use.</summary>
    private BlockedBmuSearch.Prepared Prepared() => Volatile.Read(ref _prepared) ?? MakePrepared();

    private BlockedBmuSearch.Prepared MakePrepared()
    {
        Interlocked.CompareExchange(ref _prepared, new BlockedBmuSearch.Prepared(_codebook, Dimension), null);
        return _prepared!;
    }
}
