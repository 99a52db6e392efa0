namespace Kohonen.Kernels;

/// <summary>The scalar twin of the planar search, for processors without 256-bit vectors.</summary>
internal static partial class BmuSearch
{
    /// <summary>
    /// The best node in [start, end) of a planar codebook, node by node: each distance d₀·d₀, then
    /// d·d + acc feature by feature as fused multiply-adds (the vector paths' arithmetic, lane by
    /// lane), the first node at the least distance winning. The same node and bits as
    /// <see cref="FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>.
    /// </summary>
    internal static int FindBestPlanarScalar(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
    {
        var best = -1;
        var bestD2 = float.PositiveInfinity;
        ScalarTail(planes, nodes, input, start, end, ref best, ref bestD2);
        bestDistanceSquared = bestD2;
        return best < 0 ? start : best;
    }
}
