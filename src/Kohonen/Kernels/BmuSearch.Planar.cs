using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// The BMU search over a feature-major ("planar") codebook, for small dimensions where one node's
/// weights are too few to fill a vector: weight f of node k is at <c>planes[f·nodes + k]</c>, so one
/// 256-bit load brings the same feature of 8 consecutive nodes and the search runs across nodes.
/// </summary>
internal static partial class BmuSearch
{
    /// <summary>Dimensions below this train and predict on planes; from it on, node by node with
    /// SIMD across features (<see cref="SquaredDistance"/>).</summary>
    public const int PlanarBelowDimension = 8;

    private const int NodeLanes = 8;
    private const int WideNodeLanes = 16;

    /// <summary>
    /// The best node in [start, end) of a planar codebook. Lane j of the running state holds the best
    /// distance and index among nodes start + j, start + j + 8, ...; each node's distance is summed
    /// feature by feature as the fused multiply-add d·d + acc, the very operations and order of the
    /// scalar reference (<see cref="SquaredDistance.Scalar"/>), so the distances and therefore the
    /// winner are the scalar ones bit for bit.
    /// The lanes are merged by distance, ties to the lower index; the last (end − start) mod 8 nodes
    /// are scalar.
    /// </summary>
    public static int FindBestPlanar(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared) =>
        Vector512.IsHardwareAccelerated && end - start >= 2 * WideNodeLanes ? FindBestPlanarWide(planes, nodes, input, start, end, out bestDistanceSquared)
        : Vector256.IsHardwareAccelerated ? FindBestPlanarNarrow(planes, nodes, input, start, end, out bestDistanceSquared)
        : FindBestPlanarScalar(planes, nodes, input, start, end, out bestDistanceSquared);

    /// <summary>The 256-bit path of <see cref="FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>
    /// (internal so that tests run it on machines that would take the 512-bit one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int FindBestPlanarNarrow(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
    {
        var dim = input.Length;
        Debug.Assert(planes.Length == nodes * dim && start < end && end <= nodes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        Span<Vector256<float>> inputs = stackalloc Vector256<float>[PlanarBelowDimension];
        for (var f = 0; f < dim; f++)
        {
            inputs[f] = Vector256.Create(input[f]);
        }

        var bestDistance = Vector256.Create(float.PositiveInfinity);
        var bestIndex = Vector256.Create(-1);
        var index = Vector256.Create(start) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var step = Vector256.Create(NodeLanes);
        var k = start;
        for (; k + NodeLanes <= end; k += NodeLanes)
        {
            var acc = Vector256<float>.Zero;
            for (var f = 0; f < dim; f++)
            {
                var d = Vector256.LoadUnsafe(ref p, (nuint)((f * nodes) + k)) - inputs[f];
                acc = Vector256.FusedMultiplyAdd(d, d, acc);
            }

            var closer = Vector256.LessThan(acc, bestDistance);
            bestDistance = Vector256.ConditionalSelect(closer, acc, bestDistance);
            bestIndex = Vector256.ConditionalSelect(closer.AsInt32(), index, bestIndex);
            index += step;
        }

        var best = -1;
        var bestD2 = float.PositiveInfinity;
        for (var lane = 0; lane < NodeLanes; lane++)
        {
            Merge(bestIndex.GetElement(lane), bestDistance.GetElement(lane), ref best, ref bestD2);
        }

        ScalarTail(planes, nodes, input, k, end, ref best, ref bestD2);
        bestDistanceSquared = bestD2;
        return best < 0 ? start : best;
    }

    /// <summary>
    /// <see cref="FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>
    /// with 512-bit vectors: 16 nodes per vector and two vectors (32 nodes) per step, two independent
    /// chains for the processor to overlap. Each node's distance is still d·d + acc feature by feature
    /// (one fused multiply-add each), so the result is the scalar one, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int FindBestPlanarWide(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared) =>
        input.Length switch
        {
            1 => FindBestPlanarWideFixed<One>(planes, nodes, input, start, end, out bestDistanceSquared),
            2 => FindBestPlanarWideFixed<Two>(planes, nodes, input, start, end, out bestDistanceSquared),
            3 => FindBestPlanarWideFixed<Three>(planes, nodes, input, start, end, out bestDistanceSquared),
            4 => FindBestPlanarWideFixed<Four>(planes, nodes, input, start, end, out bestDistanceSquared),
            _ => FindBestPlanarWideAnyDimension(planes, nodes, input, start, end, out bestDistanceSquared),
        };

    /// <summary>The 512-bit planar search for any dimension below <see cref="PlanarBelowDimension"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FindBestPlanarWideAnyDimension(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
    {
        var dim = input.Length;
        Debug.Assert(planes.Length == nodes * dim && start < end && end <= nodes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        Span<Vector512<float>> inputs = stackalloc Vector512<float>[PlanarBelowDimension];
        for (var f = 0; f < dim; f++)
        {
            inputs[f] = Vector512.Create(input[f]);
        }

        // Two running bests, one per block of the step, so that the two compare-and-select chains do
        // not wait on each other; they are merged by (distance, index) at the end.
        var bestDistance = Vector512.Create(float.PositiveInfinity);
        var bestIndex = Vector512.Create(-1);
        var bestDistance1 = bestDistance;
        var bestIndex1 = bestIndex;
        var index = Vector512.Create(start) + Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var index1 = index + Vector512.Create(WideNodeLanes);
        var step = Vector512.Create(2 * WideNodeLanes);
        var k = start;
        for (; k + (2 * WideNodeLanes) <= end; k += 2 * WideNodeLanes)
        {
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (var f = 0; f < dim; f++)
            {
                var at = (nuint)((f * nodes) + k);
                var d0 = Vector512.LoadUnsafe(ref p, at) - inputs[f];
                var d1 = Vector512.LoadUnsafe(ref p, at + WideNodeLanes) - inputs[f];
                acc0 = Vector512.FusedMultiplyAdd(d0, d0, acc0);
                acc1 = Vector512.FusedMultiplyAdd(d1, d1, acc1);
            }

            (bestDistance, bestIndex) = Closer(acc0, index, bestDistance, bestIndex);
            (bestDistance1, bestIndex1) = Closer(acc1, index1, bestDistance1, bestIndex1);
            index += step;
            index1 += step;
        }

        return Finish(planes, nodes, input, start, k, end, bestDistance, bestIndex, bestDistance1, bestIndex1, out bestDistanceSquared);
    }

    /// <summary>
    /// <see cref="FindBestPlanarWideAnyDimension"/> for a dimension of 1 to 4 fixed at compile time. The
    /// arithmetic per node is the same: d₀·d₀, then d₁·d₁ + acc, d₂·d₂ + acc, d₃·d₃ + acc as fused
    /// multiply-adds in that order (d₀·d₀ + 0 rounded once is d₀·d₀ rounded, as d₀·d₀ ≥ +0), so the winner and its distance are the scalar ones bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FindBestPlanarWideFixed<TDim>(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
        where TDim : struct, IDimension
    {
        var dim = TDim.Value;
        Debug.Assert(input.Length == dim && planes.Length == nodes * dim && start < end && end <= nodes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        var x0 = Vector512.Create(input[0]);
        var x1 = dim > 1 ? Vector512.Create(input[1]) : default;
        var x2 = dim > 2 ? Vector512.Create(input[2]) : default;
        var x3 = dim > 3 ? Vector512.Create(input[3]) : default;
        var bestDistance = Vector512.Create(float.PositiveInfinity);
        var bestIndex = Vector512.Create(-1);
        var bestDistance1 = bestDistance;
        var bestIndex1 = bestIndex;
        var index = Vector512.Create(start) + Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var index1 = index + Vector512.Create(WideNodeLanes);
        var step = Vector512.Create(2 * WideNodeLanes);
        var k = start;
        for (; k + (2 * WideNodeLanes) <= end; k += 2 * WideNodeLanes)
        {
            var at = (nuint)k;
            var d0 = Vector512.LoadUnsafe(ref p, at) - x0;
            var e0 = Vector512.LoadUnsafe(ref p, at + WideNodeLanes) - x0;
            var acc0 = d0 * d0;
            var acc1 = e0 * e0;
            if (dim > 1)
            {
                at += (nuint)nodes;
                var d = Vector512.LoadUnsafe(ref p, at) - x1;
                var e = Vector512.LoadUnsafe(ref p, at + WideNodeLanes) - x1;
                acc0 = Vector512.FusedMultiplyAdd(d, d, acc0);
                acc1 = Vector512.FusedMultiplyAdd(e, e, acc1);
            }

            if (dim > 2)
            {
                at += (nuint)nodes;
                var d = Vector512.LoadUnsafe(ref p, at) - x2;
                var e = Vector512.LoadUnsafe(ref p, at + WideNodeLanes) - x2;
                acc0 = Vector512.FusedMultiplyAdd(d, d, acc0);
                acc1 = Vector512.FusedMultiplyAdd(e, e, acc1);
            }

            if (dim > 3)
            {
                at += (nuint)nodes;
                var d = Vector512.LoadUnsafe(ref p, at) - x3;
                var e = Vector512.LoadUnsafe(ref p, at + WideNodeLanes) - x3;
                acc0 = Vector512.FusedMultiplyAdd(d, d, acc0);
                acc1 = Vector512.FusedMultiplyAdd(e, e, acc1);
            }

            (bestDistance, bestIndex) = Closer(acc0, index, bestDistance, bestIndex);
            (bestDistance1, bestIndex1) = Closer(acc1, index1, bestDistance1, bestIndex1);
            index += step;
            index1 += step;
        }

        return Finish(planes, nodes, input, start, k, end, bestDistance, bestIndex, bestDistance1, bestIndex1, out bestDistanceSquared);
    }

    /// <summary>The best node over a whole planar codebook, in parallel chunks when large enough;
    /// the same answer as a sequential search.</summary>
    public static int FindBestPlanar(float[] planes, int nodes, ReadOnlySpan<float> input, int maxThreads, out float bestDistanceSquared)
    {
        if (!WorthSplitting(nodes, input.Length, maxThreads))
        {
            return FindBestPlanar(planes, nodes, input, 0, nodes, out bestDistanceSquared);
        }

        var copy = input.ToArray();
        return FindBestInChunks(nodes, maxThreads, (int start, int end, out float d2) => FindBestPlanar(planes, nodes, copy, start, end, out d2), out bestDistanceSquared);
    }

    /// <summary>
    /// The end of a 512-bit search with two running states: merges their lanes (each lane holds its
    /// earliest closest node, so across them the lower index wins ties, as in a sequential scan), then
    /// the last nodes [k, end) one by one.
    /// </summary>
    private static int Finish(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int k, int end,
        Vector512<float> distances, Vector512<int> indices, Vector512<float> distances1, Vector512<int> indices1, out float bestDistanceSquared)
    {
        var best = -1;
        var bestD2 = float.PositiveInfinity;
        for (var lane = 0; lane < WideNodeLanes; lane++)
        {
            Merge(indices.GetElement(lane), distances.GetElement(lane), ref best, ref bestD2);
            Merge(indices1.GetElement(lane), distances1.GetElement(lane), ref best, ref bestD2);
        }

        ScalarTail(planes, nodes, input, k, end, ref best, ref bestD2);
        bestDistanceSquared = bestD2;
        return best < 0 ? start : best;
    }

    /// <summary>Takes candidate (i, d) when it is closer, or as close with a lower index.</summary>
    private static void Merge(int i, float d, ref int best, ref float bestD2)
    {
        if (i >= 0 && (d < bestD2 || (d == bestD2 && i < best)))
        {
            bestD2 = d;
            best = i;
        }
    }

    /// <summary>
    /// The last nodes [k, end), fewer than a vector's worth, one by one with the same arithmetic.
    /// They come after every vector node, so only a strictly closer one wins.
    /// </summary>
    internal static void ScalarTail(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int k, int end, ref int best, ref float bestD2)
    {
        for (; k < end; k++)
        {
            var sum = 0f;
            for (var f = 0; f < input.Length; f++)
            {
                var d = planes[(f * nodes) + k] - input[f];
                sum = MathF.FusedMultiplyAdd(d, d, sum);
            }

            if (sum < bestD2)
            {
                bestD2 = sum;
                best = k;
            }
        }
    }

    /// <summary>Lane by lane, the strictly closer of (distance, index) and the best so far: each lane
    /// keeps its earliest best.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<int>) Closer(Vector512<float> distance, Vector512<int> index, Vector512<float> bestDistance, Vector512<int> bestIndex)
    {
        var closer = Vector512.LessThan(distance, bestDistance);
        return (Vector512.ConditionalSelect(closer, distance, bestDistance), Vector512.ConditionalSelect(closer.AsInt32(), index, bestIndex));
    }
}
