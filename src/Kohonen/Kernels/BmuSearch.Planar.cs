// The BMU search over a feature-major (planar) codebook, for fewer than 8 features.
// Guarantees: the node and the distance bits of the node-by-node scalar scan (d0·d0, then d·d + acc
// feature by feature as fused multiply-adds; the first node at the least distance), at every vector
// width and in the scalar twin (BmuSearch.Planar.Scalar.cs); the same answer whatever the threads.
// Held by: tests/Kohonen.Tests/Kernels/PlanarKernelTests.cs (every width and the scalar twin against
// the plain scan, on lattices full of ties, node counts around every vector boundary).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// The BMU search over a feature-major ("planar") codebook, for small dimensions where one node's
/// weights are too few to fill a vector: weight f of node k is at <c>planes[f·nodes + k]</c>, so one
/// vector load brings the same feature of consecutive nodes and the search runs across nodes.
/// </summary>
internal static partial class BmuSearch
{
    /// <summary>Dimensions below this train and predict on planes; from it on, node by node with
    /// SIMD across features (<see cref="SquaredDistance"/>).</summary>
    public const int PlanarBelowDimension = 8;

    /// <summary>
    /// The best node in [start, end) of a planar codebook, at the widest vectors the processor runs
    /// (two vectors of nodes per step), else by the scalar twin. Lane j of a running state holds the
    /// best distance and index among its nodes; each node's distance is summed feature by feature as
    /// d₀·d₀, then the fused multiply-add d·d + acc, the very operations and order of the scalar
    /// reference (<see cref="SquaredDistance.Scalar"/>), so the distances and therefore the winner are
    /// the scalar ones bit for bit. The lanes are merged by distance, ties to the lower index; the
    /// nodes after the last whole step are scalar.
    /// </summary>
    public static int FindBestPlanar(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
    {
        var count = end - start;
        return Vector512.IsHardwareAccelerated && count >= 2 * Bits512.Lanes ? FindBestPlanarAt<Vector512<float>, Bits512>(planes, nodes, input, start, end, out bestDistanceSquared)
            : Vector256.IsHardwareAccelerated && count >= 2 * Bits256.Lanes ? FindBestPlanarAt<Vector256<float>, Bits256>(planes, nodes, input, start, end, out bestDistanceSquared)
            : Vector128.IsHardwareAccelerated && count >= 2 * Bits128.Lanes ? FindBestPlanarAt<Vector128<float>, Bits128>(planes, nodes, input, start, end, out bestDistanceSquared)
            : FindBestPlanarScalar(planes, nodes, input, start, end, out bestDistanceSquared);
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

    /// <summary>The planar search at one vector width (internal so that tests run every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int FindBestPlanarAt<TVector, TWidth>(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        input.Length switch
        {
            1 => FindBestPlanarAt<One, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
            2 => FindBestPlanarAt<Two, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
            3 => FindBestPlanarAt<Three, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
            4 => FindBestPlanarAt<Four, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
            5 => FindBestPlanarAt<Five, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
            6 => FindBestPlanarAt<Six, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
            _ => FindBestPlanarAt<Seven, TVector, TWidth>(planes, nodes, input, start, end, out bestDistanceSquared),
        };

    /// <summary>
    /// The planar search for a dimension fixed at compile time: the inputs in registers, two vectors
    /// of nodes per step with a running state each, so that the two compare-and-select chains do not
    /// wait on each other; they are merged by (distance, index) at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FindBestPlanarAt<TDim, TVector, TWidth>(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var lanes = TWidth.Lanes;
        Debug.Assert(input.Length == TDim.Value && planes.Length == nodes * TDim.Value && start < end && end <= nodes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        var (x0, x1, x2, x3, x4, x5, x6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(input);
        var plane = (nuint)nodes;
        var bestDistance = TWidth.Create(float.PositiveInfinity);
        var bestIndex = TWidth.Create(BitConverter.Int32BitsToSingle(-1));
        var bestDistance1 = bestDistance;
        var bestIndex1 = bestIndex;
        var index = TWidth.Indices(start);
        var index1 = TWidth.Indices(start + lanes);
        var step = TWidth.Create(BitConverter.Int32BitsToSingle(2 * lanes));
        var k = start;
        for (; k + (2 * lanes) <= end; k += 2 * lanes)
        {
            var at = (nuint)k;
            var d = TWidth.Subtract(TWidth.Load(ref p, at), x0);
            var e = TWidth.Subtract(TWidth.Load(ref p, at + (nuint)lanes), x0);
            var acc0 = TWidth.Multiply(d, d);
            var acc1 = TWidth.Multiply(e, e);
            if (TDim.Value > 1)
            {
                AddSquares<TVector, TWidth>(ref p, at + plane, x1, ref acc0, ref acc1);
            }

            if (TDim.Value > 2)
            {
                AddSquares<TVector, TWidth>(ref p, at + (2 * plane), x2, ref acc0, ref acc1);
            }

            if (TDim.Value > 3)
            {
                AddSquares<TVector, TWidth>(ref p, at + (3 * plane), x3, ref acc0, ref acc1);
            }

            if (TDim.Value > 4)
            {
                AddSquares<TVector, TWidth>(ref p, at + (4 * plane), x4, ref acc0, ref acc1);
            }

            if (TDim.Value > 5)
            {
                AddSquares<TVector, TWidth>(ref p, at + (5 * plane), x5, ref acc0, ref acc1);
            }

            if (TDim.Value > 6)
            {
                AddSquares<TVector, TWidth>(ref p, at + (6 * plane), x6, ref acc0, ref acc1);
            }

            var closer = TWidth.LessThan(acc0, bestDistance);
            bestDistance = TWidth.Select(closer, acc0, bestDistance);
            bestIndex = TWidth.Select(closer, index, bestIndex);
            var closer1 = TWidth.LessThan(acc1, bestDistance1);
            bestDistance1 = TWidth.Select(closer1, acc1, bestDistance1);
            bestIndex1 = TWidth.Select(closer1, index1, bestIndex1);
            index = TWidth.AddIndices(index, step);
            index1 = TWidth.AddIndices(index1, step);
        }

        return Finish<TVector, TWidth>(planes, nodes, input, start, k, end, bestDistance, bestIndex, bestDistance1, bestIndex1, out bestDistanceSquared);
    }

    /// <summary>
    /// The end of a search with two running states: merges their lanes (each lane holds its earliest
    /// closest node, so across them the lower index wins ties, as in a sequential scan), then the
    /// last nodes [k, end) one by one. One call that takes the states, so that none of them is live
    /// across a call in the search's loop (kept out of line: inlined, it made the register allocator
    /// spill the second state in the loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Finish<TVector, TWidth>(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int k, int end,
        TVector distances, TVector indices, TVector distances1, TVector indices1, out float bestDistanceSquared)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var best = -1;
        var bestD2 = float.PositiveInfinity;
        MergeLanes<TVector, TWidth>(distances, indices, ref best, ref bestD2);
        MergeLanes<TVector, TWidth>(distances1, indices1, ref best, ref bestD2);
        ScalarTail(planes, nodes, input, k, end, ref best, ref bestD2);
        bestDistanceSquared = bestD2;
        return best < 0 ? start : best;
    }

    /// <summary>One feature's squared differences of two vectors of nodes added to their sums (one
    /// rounding each). Lane by lane each sum keeps its node's earliest closest state: the caller
    /// selects on a strict less-than.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSquares<TVector, TWidth>(ref float p, nuint at, TVector x, ref TVector acc0, ref TVector acc1)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var d = TWidth.Subtract(TWidth.Load(ref p, at), x);
        var e = TWidth.Subtract(TWidth.Load(ref p, at + (nuint)TWidth.Lanes), x);
        acc0 = TWidth.FusedMultiplyAdd(d, d, acc0);
        acc1 = TWidth.FusedMultiplyAdd(e, e, acc1);
    }

    /// <summary>Every lane of a running state offered to the best so far (<see cref="Merge"/>).</summary>
    private static void MergeLanes<TVector, TWidth>(TVector distances, TVector indices, ref int best, ref float bestD2)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        Span<float> d = stackalloc float[TWidth.Lanes];
        Span<float> i = stackalloc float[TWidth.Lanes];
        TWidth.Store(distances, ref MemoryMarshal.GetReference(d), 0);
        TWidth.Store(indices, ref MemoryMarshal.GetReference(i), 0);
        var index = MemoryMarshal.Cast<float, int>(i);
        for (var lane = 0; lane < d.Length; lane++)
        {
            Merge(index[lane], d[lane], ref best, ref bestD2);
        }
    }
}
