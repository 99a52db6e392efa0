namespace Kohonen.Kernels;

/// <summary>
/// BMU search over a fixed codebook, in the layout that is fastest for its dimension: below
/// <see cref="BmuSearch.PlanarBelowDimension"/> bounded blocks that measure only the nodes near the
/// input (<see cref="BoundedBlocks"/>, 512- or 256-bit vectors) or else planes
/// (<see cref="BmuSearch.FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>),
/// node by node from there on. All give the scalar reference's answer for small dimensions, so
/// predictions agree with the BMUs training saw.
/// Immutable and thread-safe; the codebook must not change while it is used.
/// </summary>
internal sealed class NearestNode
{
    private readonly float[] _codebook;
    private readonly float[]? _planes;
    private readonly BoundedBlocks? _blocks;

    public NearestNode(float[] codebook, int dim)
    {
        _codebook = codebook;
        Dimension = dim;
        NodeCount = codebook.Length / dim;
        _blocks = BoundedBlocks.IsSupported(dim) ? new BoundedBlocks(codebook, dim) : null;
        _planes = _blocks is null && dim < BmuSearch.PlanarBelowDimension ? CodebookLayout.ToPlanes(codebook, dim) : null;
    }

    public int Dimension { get; }

    public int NodeCount { get; }

    /// <summary>The BMU on this thread.</summary>
    public int FindBest(ReadOnlySpan<float> input, out float distanceSquared) =>
        _blocks is not null ? _blocks.FindBest(input, out distanceSquared)
        : _planes is null ? BmuSearch.FindBest(_codebook, Dimension, input, 0, NodeCount, out distanceSquared)
        : BmuSearch.FindBestPlanar(_planes, NodeCount, input, 0, NodeCount, out distanceSquared);

    /// <summary>The BMUs of many rows (row-major) on this thread, one by one; the same answers as
    /// <see cref="FindBest(ReadOnlySpan{float}, out float)"/>.</summary>
    public void FindBest(ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared)
    {
        for (var r = 0; r < rows.Length / Dimension; r++)
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
}
