using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kohonen.Kernels;

/// <summary>
/// One step of online training with a separable neighbourhood, fused with the BMU search of the
/// sample that follows: a single pass over the codebook (<see cref="RowPlanes"/>) moves every node
/// towards the sample, w ← w + h·(v − w) with h = rowScale[y]·gx[x], and from the moved weights,
/// still in registers, measures the next sample's distance to each node. The codebook is read once
/// and written once per sample instead of read twice and written once, and a grid row is whole
/// 512-bit vectors (16 nodes) with no scalar tail.
/// </summary>
/// <remarks>
/// The arithmetic per node is that of the reference: h a float32 product; the update a subtract and
/// one fused multiply-add; the distance d₀·d₀ + d₁·d₁ + … in feature order, each term after the first
/// a fused multiply-add (<see cref="SquaredDistance.Scalar"/>, <see cref="WeightUpdate.Scalar"/>). The winner is the closest node, ties to the lowest index, as in a
/// sequential scan. So the codebook and every BMU are the plain loops' bits.
/// </remarks>
internal static class FusedOnlineStep
{
    private const int Lanes = RowPlanes.Lanes;

    /// <summary>Whether this machine and dimension have the fused step (512-bit vectors; 1 to 7
    /// features, the planar range).</summary>
    public static bool IsSupported(int dim) => Vector512.IsHardwareAccelerated && dim is >= 1 and < BmuSearch.PlanarBelowDimension;

    /// <summary>
    /// Moves the nodes towards <paramref name="sample"/> and returns the BMU of
    /// <paramref name="next"/> among the moved nodes (its squared distance in
    /// <paramref name="bestDistanceSquared"/>).
    /// </summary>
    /// <param name="planes">The codebook; updated in place.</param>
    /// <param name="sample">The input the nodes move towards.</param>
    /// <param name="rowScales">Per grid row, the factor of its steps (α·gy); a row with 0 does not
    /// move.</param>
    /// <param name="gxEven">Per column, the x factor of the steps on even rows, <see cref="RowPlanes.Stride"/>
    /// values (those past the width move only padding, which is never a BMU).</param>
    /// <param name="gxOdd">The same for odd rows (the same span on a rectangular grid).</param>
    /// <param name="cutoff">Steps below this are not applied (0: every step is).</param>
    /// <param name="next">The input whose BMU is wanted after the move.</param>
    /// <param name="bestDistanceSquared">The BMU's squared distance to <paramref name="next"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UpdateAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowScales,
        ReadOnlySpan<float> gxEven, ReadOnlySpan<float> gxOdd, float cutoff, ReadOnlySpan<float> next, out float bestDistanceSquared) =>
        UpdateAndFindNext(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, 0, planes.Height, out bestDistanceSquared);

    /// <summary>
    /// The step over the grid rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) only: the
    /// move of those rows and the best node among them. Steps over disjoint row ranges may run at
    /// the same time; the best of their answers, ties to the lower range, is the whole step's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UpdateAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowScales,
        ReadOnlySpan<float> gxEven, ReadOnlySpan<float> gxOdd, float cutoff, ReadOnlySpan<float> next, int firstRow, int endRow, out float bestDistanceSquared)
    {
        Debug.Assert(IsSupported(planes.Dim) && sample.Length == planes.Dim && next.Length == planes.Dim);
        Debug.Assert(rowScales.Length == planes.Height && gxEven.Length == planes.Stride && gxOdd.Length == planes.Stride);
        Debug.Assert(0 <= firstRow && firstRow < endRow && endRow <= planes.Height);
        return planes.Dim switch
        {
            1 => Run<One>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
            2 => Run<Two>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
            3 => Run<Three>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
            4 => Run<Four>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
            5 => Run<Five>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
            6 => Run<Six>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
            _ => Run<Seven>(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared),
        };
    }

    /// <summary>The BMU of <paramref name="input"/> alone (no move): the first sample's search.</summary>
    public static int FindBest(RowPlanes planes, ReadOnlySpan<float> input, out float bestDistanceSquared)
    {
        Span<float> noRows = stackalloc float[planes.Height];
        Span<float> noColumns = planes.Stride <= 1024 ? stackalloc float[planes.Stride] : new float[planes.Stride];
        noRows.Clear();
        noColumns.Clear();
        return UpdateAndFindNext(planes, input, noRows, noColumns, noColumns, 0f, input, out bestDistanceSquared);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Run<TDim>(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowScales,
        ReadOnlySpan<float> gxEven, ReadOnlySpan<float> gxOdd, float cutoff, ReadOnlySpan<float> next, int firstRow, int endRow, out float bestDistanceSquared)
        where TDim : struct, IDimension
    {
        var dim = TDim.Value;
        int width = planes.Width, stride = planes.Stride;
        var vectors = stride / Lanes;
        var plane = (nuint)stride;
        ref var p = ref MemoryMarshal.GetReference(planes.Weights);
        ref var distances = ref MemoryMarshal.GetReference(planes.Distances);
        ref var even = ref MemoryMarshal.GetReference(gxEven);
        ref var odd = ref MemoryMarshal.GetReference(gxOdd);
        var (x0, x1, x2, x3, x4, x5, x6) = Broadcast<TDim>(sample);
        var (n0, n1, n2, n3, n4, n5, n6) = Broadcast<TDim>(next);
        var cut = Vector512.Create(cutoff);
        var cutting = cutoff > 0;

        // The last vector of a row is partly padding: its lanes at or past the row's end are no node.
        var lastReal = Vector512.LessThan(
            Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
            Vector512.Create(width - ((vectors - 1) * Lanes))).AsSingle();
        var infinity = Vector512.Create(float.PositiveInfinity);
        var least = infinity;
        for (var y = firstRow; y < endRow; y++)
        {
            ref var row = ref Unsafe.Add(ref p, (nuint)(y * dim * stride));
            ref var rowDistances = ref Unsafe.Add(ref distances, (nuint)(y * stride));
            ref var gx = ref (y & 1) == 0 ? ref even : ref odd;
            var scale = rowScales[y];
            if (scale != 0)
            {
                var rowScale = Vector512.Create(scale);
                for (var v = 0; v < vectors; v++)
                {
                    var at = (nuint)(v * Lanes);
                    var h = rowScale * Vector512.LoadUnsafe(ref gx, at);
                    if (cutting)
                    {
                        h = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(h, cut), h, Vector512<float>.Zero);
                    }

                    var acc = Move(ref row, at, h, x0, n0);
                    if (dim > 1)
                    {
                        acc = MoveAndAdd(ref row, at + plane, h, x1, n1, acc);
                    }

                    if (dim > 2)
                    {
                        acc = MoveAndAdd(ref row, at + (2 * plane), h, x2, n2, acc);
                    }

                    if (dim > 3)
                    {
                        acc = MoveAndAdd(ref row, at + (3 * plane), h, x3, n3, acc);
                    }

                    if (dim > 4)
                    {
                        acc = MoveAndAdd(ref row, at + (4 * plane), h, x4, n4, acc);
                    }

                    if (dim > 5)
                    {
                        acc = MoveAndAdd(ref row, at + (5 * plane), h, x5, n5, acc);
                    }

                    if (dim > 6)
                    {
                        acc = MoveAndAdd(ref row, at + (6 * plane), h, x6, n6, acc);
                    }

                    least = Keep(v == vectors - 1 ? Vector512.ConditionalSelect(lastReal, acc, infinity) : acc, ref rowDistances, at, least);
                }
            }
            else
            {
                for (var v = 0; v < vectors; v++)
                {
                    var at = (nuint)(v * Lanes);
                    var acc = Measure(ref row, at, n0);
                    if (dim > 1)
                    {
                        acc = MeasureAndAdd(ref row, at + plane, n1, acc);
                    }

                    if (dim > 2)
                    {
                        acc = MeasureAndAdd(ref row, at + (2 * plane), n2, acc);
                    }

                    if (dim > 3)
                    {
                        acc = MeasureAndAdd(ref row, at + (3 * plane), n3, acc);
                    }

                    if (dim > 4)
                    {
                        acc = MeasureAndAdd(ref row, at + (4 * plane), n4, acc);
                    }

                    if (dim > 5)
                    {
                        acc = MeasureAndAdd(ref row, at + (5 * plane), n5, acc);
                    }

                    if (dim > 6)
                    {
                        acc = MeasureAndAdd(ref row, at + (6 * plane), n6, acc);
                    }

                    least = Keep(v == vectors - 1 ? Vector512.ConditionalSelect(lastReal, acc, infinity) : acc, ref rowDistances, at, least);
                }
            }
        }

        return First(planes, Least(least), firstRow, endRow, out bestDistanceSquared);
    }

    /// <summary>
    /// The first node of rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) at squared
    /// distance <paramref name="least"/> in <see cref="RowPlanes.Distances"/>: the lowest index among
    /// the closest, a sequential scan's answer. The range's first node when no node is closer than +∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int First(RowPlanes planes, float least, int firstRow, int endRow, out float bestDistanceSquared)
    {
        bestDistanceSquared = least;
        int stride = planes.Stride, width = planes.Width;
        if (least < float.PositiveInfinity)
        {
            ref var distances = ref MemoryMarshal.GetReference(planes.Distances);
            var target = Vector512.Create(least);
            for (var at = firstRow * stride; at < endRow * stride; at += Lanes)
            {
                var lanes = Vector512.Equals(Vector512.LoadUnsafe(ref distances, (nuint)at), target).ExtractMostSignificantBits();
                if (lanes != 0)
                {
                    var (y, x) = Math.DivRem(at, stride);
                    return (y * width) + x + BitOperations.TrailingZeroCount(lanes);
                }
            }
        }

        return firstRow * width;
    }

    /// <summary>The least of the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Least(Vector512<float> v)
    {
        var half = Vector256.MinNative(v.GetLower(), v.GetUpper());
        var quarter = Vector128.MinNative(half.GetLower(), half.GetUpper());
        quarter = Vector128.MinNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        quarter = Vector128.MinNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(1, 0, 3, 2)));
        return quarter.ToScalar();
    }

    /// <summary>Moves 16 weights of one feature towards x by h, stores them, and returns their squared
    /// difference from n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Move(ref float weights, nuint at, Vector512<float> h, Vector512<float> x, Vector512<float> n)
    {
        var w = Vector512.LoadUnsafe(ref weights, at);
        w = Vector512.FusedMultiplyAdd(h, x - w, w);
        w.StoreUnsafe(ref weights, at);
        var d = w - n;
        return d * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MoveAndAdd(ref float weights, nuint at, Vector512<float> h, Vector512<float> x, Vector512<float> n, Vector512<float> acc)
    {
        var w = Vector512.LoadUnsafe(ref weights, at);
        w = Vector512.FusedMultiplyAdd(h, x - w, w);
        w.StoreUnsafe(ref weights, at);
        var d = w - n;
        return Vector512.FusedMultiplyAdd(d, d, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MeasureAndAdd(ref float weights, nuint at, Vector512<float> n, Vector512<float> acc)
    {
        var d = Vector512.LoadUnsafe(ref weights, at) - n;
        return Vector512.FusedMultiplyAdd(d, d, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Measure(ref float weights, nuint at, Vector512<float> n)
    {
        var d = Vector512.LoadUnsafe(ref weights, at) - n;
        return d * d;
    }

    /// <summary>Stores 16 nodes' squared distances and returns the lane-wise least so far. A NaN
    /// distance (a diverged map) is never the least: vminps gives its second operand when either is
    /// NaN, and the running least is that operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Keep(Vector512<float> distance, ref float distances, nuint at, Vector512<float> least)
    {
        distance.StoreUnsafe(ref distances, at);
        return Avx512F.Min(distance, least);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Broadcast<TDim>(ReadOnlySpan<float> v)
        where TDim : struct, IDimension =>
        (Vector512.Create(v[0]),
         TDim.Value > 1 ? Vector512.Create(v[1]) : default,
         TDim.Value > 2 ? Vector512.Create(v[2]) : default,
         TDim.Value > 3 ? Vector512.Create(v[3]) : default,
         TDim.Value > 4 ? Vector512.Create(v[4]) : default,
         TDim.Value > 5 ? Vector512.Create(v[5]) : default,
         TDim.Value > 6 ? Vector512.Create(v[6]) : default);
}
