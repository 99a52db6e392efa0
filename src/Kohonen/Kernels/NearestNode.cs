namespace Kohonen.Kernels;

/// <summary>
/// BMU search over a fixed codebook, in the layout that is fastest for its dimension: planes
/// (<see cref="BmuSearch.FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>)
/// below <see cref="BmuSearch.PlanarBelowDimension"/>, node by node otherwise. Both give the scalar
/// reference's answer for small dimensions, so predictions agree with the BMUs training saw.
/// Immutable and thread-safe; the codebook must not change while it is used.
/// </summary>
internal sealed class NearestNode
{
    private readonly float[] _codebook;
    private readonly float[]? _planes;

    public NearestNode(float[] codebook, int dim)
    {
        _codebook = codebook;
        Dimension = dim;
        NodeCount = codebook.Length / dim;
        _planes = dim < BmuSearch.PlanarBelowDimension ? CodebookLayout.ToPlanes(codebook, dim) : null;
    }

    public int Dimension { get; }

    public int NodeCount { get; }

    /// <summary>The BMU on this thread.</summary>
    public int FindBest(ReadOnlySpan<float> input, out float distanceSquared) =>
        _planes is null
            ? BmuSearch.FindBest(_codebook, Dimension, input, 0, NodeCount, out distanceSquared)
            : BmuSearch.FindBestPlanar(_planes, NodeCount, input, 0, NodeCount, out distanceSquared);

    /// <summary>The BMUs of many rows (row-major) on this thread: four at a time over planes where the
    /// dimension allows, else one by one; the same answers as <see cref="FindBest(ReadOnlySpan{float}, out float)"/>.</summary>
    public void FindBest(ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared)
    {
        if (_planes is not null)
        {
            BmuSearch.FindBestPlanarRows(_planes, NodeCount, Dimension, rows, best, distanceSquared);
            return;
        }

        for (var r = 0; r < rows.Length / Dimension; r++)
        {
            best[r] = FindBest(rows.Slice(r * Dimension, Dimension), out distanceSquared[r]);
        }
    }

    /// <summary>The BMU, the node range split over threads when the codebook is large.</summary>
    public int FindBest(ReadOnlySpan<float> input, int maxThreads, out float distanceSquared) =>
        _planes is null
            ? BmuSearch.FindBest(_codebook, Dimension, input, maxThreads, out distanceSquared)
            : BmuSearch.FindBestPlanar(_planes, NodeCount, input, maxThreads, out distanceSquared);
}
