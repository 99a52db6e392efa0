using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// The planar BMU search for many inputs at once (predictions in bulk): four inputs share each pass over
/// the codebook, so each block of 16 nodes' weights is loaded once for four searches. Per node and input
/// the arithmetic is the single search's (d₀·d₀, then d₁·d₁ + acc, … as fused multiply-adds), so every answer is the scalar one,
/// bit for bit.
/// </summary>
internal static partial class BmuSearch
{
    /// <summary>The dimensions the four-input kernel takes (larger ones search input by input).</summary>
    public const int PlanarBatchMaxDimension = 4;

    /// <summary>The BMU and its squared distance for every row of <paramref name="rows"/> (row-major,
    /// <paramref name="dim"/> features each) over a whole planar codebook, on this thread.</summary>
    public static void FindBestPlanarRows(ReadOnlySpan<float> planes, int nodes, int dim, ReadOnlySpan<float> rows, Span<int> best, Span<float> bestDistanceSquared)
    {
        var count = rows.Length / dim;
        Debug.Assert(rows.Length == count * dim && best.Length >= count && bestDistanceSquared.Length >= count);
        var r = 0;
        if (Vector512.IsHardwareAccelerated && dim <= PlanarBatchMaxDimension && nodes >= WideNodeLanes)
        {
            for (; r + 4 <= count; r += 4)
            {
                var group = rows.Slice(r * dim, 4 * dim);
                switch (dim)
                {
                    case 1: FindBestPlanarFour<One>(planes, nodes, group, best.Slice(r, 4), bestDistanceSquared.Slice(r, 4)); break;
                    case 2: FindBestPlanarFour<Two>(planes, nodes, group, best.Slice(r, 4), bestDistanceSquared.Slice(r, 4)); break;
                    case 3: FindBestPlanarFour<Three>(planes, nodes, group, best.Slice(r, 4), bestDistanceSquared.Slice(r, 4)); break;
                    default: FindBestPlanarFour<Four>(planes, nodes, group, best.Slice(r, 4), bestDistanceSquared.Slice(r, 4)); break;
                }
            }
        }

        for (; r < count; r++)
        {
            best[r] = FindBestPlanar(planes, nodes, rows.Slice(r * dim, dim), 0, nodes, out bestDistanceSquared[r]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FindBestPlanarFour<TDim>(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> rows, Span<int> best, Span<float> bestDistanceSquared)
        where TDim : struct, IDimension
    {
        var dim = TDim.Value;
        Debug.Assert(rows.Length == 4 * dim && planes.Length == nodes * dim && nodes >= WideNodeLanes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        var (a0, a1, a2, a3) = Broadcast<TDim>(rows[..dim]);
        var (b0, b1, b2, b3) = Broadcast<TDim>(rows.Slice(dim, dim));
        var (c0, c1, c2, c3) = Broadcast<TDim>(rows.Slice(2 * dim, dim));
        var (e0, e1, e2, e3) = Broadcast<TDim>(rows.Slice(3 * dim, dim));
        var infinity = Vector512.Create(float.PositiveInfinity);
        var none = Vector512.Create(-1);
        Vector512<float> da = infinity, db = infinity, dc = infinity, de = infinity;
        Vector512<int> ia = none, ib = none, ic = none, ie = none;
        var index = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var step = Vector512.Create(WideNodeLanes);
        var k = 0;
        for (; k + WideNodeLanes <= nodes; k += WideNodeLanes)
        {
            var at = (nuint)k;
            var w0 = Vector512.LoadUnsafe(ref p, at);
            var w1 = dim > 1 ? Vector512.LoadUnsafe(ref p, at + (nuint)nodes) : default;
            var w2 = dim > 2 ? Vector512.LoadUnsafe(ref p, at + (2 * (nuint)nodes)) : default;
            var w3 = dim > 3 ? Vector512.LoadUnsafe(ref p, at + (3 * (nuint)nodes)) : default;
            (da, ia) = Closer(Distance<TDim>(w0, w1, w2, w3, a0, a1, a2, a3), index, da, ia);
            (db, ib) = Closer(Distance<TDim>(w0, w1, w2, w3, b0, b1, b2, b3), index, db, ib);
            (dc, ic) = Closer(Distance<TDim>(w0, w1, w2, w3, c0, c1, c2, c3), index, dc, ic);
            (de, ie) = Closer(Distance<TDim>(w0, w1, w2, w3, e0, e1, e2, e3), index, de, ie);
            index += step;
        }

        // Kept in memory before the first call: registers do not survive a call, and a vector that
        // must outlive one was written back to the stack on every iteration of the loop above.
        Span<Vector512<float>> distances = [da, db, dc, de];
        Span<Vector512<int>> indices = [ia, ib, ic, ie];
        for (var r = 0; r < 4; r++)
        {
            Finish(planes, nodes, rows.Slice(r * dim, dim), k, distances[r], indices[r], out best[r], out bestDistanceSquared[r]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Broadcast<TDim>(ReadOnlySpan<float> row)
        where TDim : struct, IDimension =>
        (Vector512.Create(row[0]),
         TDim.Value > 1 ? Vector512.Create(row[1]) : default,
         TDim.Value > 2 ? Vector512.Create(row[2]) : default,
         TDim.Value > 3 ? Vector512.Create(row[3]) : default);

    /// <summary>d₀·d₀ + d₁·d₁ + … in feature order, each term a fused multiply-add, for the first
    /// <c>TDim.Value</c> features.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Distance<TDim>(
        Vector512<float> w0, Vector512<float> w1, Vector512<float> w2, Vector512<float> w3,
        Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3)
        where TDim : struct, IDimension
    {
        var d = w0 - x0;
        var acc = d * d;
        if (TDim.Value > 1)
        {
            d = w1 - x1;
            acc = Vector512.FusedMultiplyAdd(d, d, acc);
        }

        if (TDim.Value > 2)
        {
            d = w2 - x2;
            acc = Vector512.FusedMultiplyAdd(d, d, acc);
        }

        if (TDim.Value > 3)
        {
            d = w3 - x3;
            acc = Vector512.FusedMultiplyAdd(d, d, acc);
        }

        return acc;
    }

    /// <summary>Lane by lane, the strictly closer of (distance, index) and the best so far: each lane
    /// keeps its earliest best.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<int>) Closer(Vector512<float> distance, Vector512<int> index, Vector512<float> bestDistance, Vector512<int> bestIndex)
    {
        var closer = Vector512.LessThan(distance, bestDistance);
        return (Vector512.ConditionalSelect(closer, distance, bestDistance), Vector512.ConditionalSelect(closer.AsInt32(), index, bestIndex));
    }

    /// <summary>Merges the lanes (closest first, ties to the lower index), then the last nodes [k, nodes).</summary>
    private static void Finish(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int k, Vector512<float> distances, Vector512<int> indices, out int best, out float bestDistanceSquared)
    {
        Span<float> d = stackalloc float[WideNodeLanes];
        Span<int> i = stackalloc int[WideNodeLanes];
        distances.CopyTo(d);
        indices.CopyTo(i);
        best = -1;
        var bestD2 = float.PositiveInfinity;
        for (var lane = 0; lane < WideNodeLanes; lane++)
        {
            Merge(i[lane], d[lane], ref best, ref bestD2);
        }

        ScalarTail(planes, nodes, input, k, nodes, ref best, ref bestD2);
        bestDistanceSquared = bestD2;
        best = best < 0 ? 0 : best;
    }
}
