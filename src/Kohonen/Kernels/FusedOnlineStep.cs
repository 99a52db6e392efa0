// One online step fused with the next sample's BMU search (fewer than 8 features, separable neighbourhoods).
// Guarantees: the weights of the plain update (a subtract and one fused multiply-add per weight) and the BMU
// of the plain scan among the moved nodes, ties to the lowest index, bit for bit, at every vector width.
// Held by: tests/Kohonen.Tests/Kernels/FusedOnlineStepTests.cs and Training/FusedOnlineTrainingTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*TrainerBenchmarks*'

using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// One step of online training with a separable neighbourhood, fused with the BMU search of the
/// sample that follows: a single pass over the codebook (<see cref="RowPlanes"/>) moves every node
/// towards the sample, w ← w + h·(v − w) with h = rowScale[y]·gx[x], and from the moved weights,
/// still in registers, measures the next sample's distance to each node. The codebook is read once
/// and written once per sample instead of read twice and written once, and a grid row is whole
/// vectors (16 nodes of 512 bits, 8 of 256 bits or 4 of 128 bits: the width the <see cref="RowPlanes"/>
/// were laid out for) with no scalar tail.
/// </summary>
/// <remarks>
/// The arithmetic per node is that of the reference: h a float32 product; the update a subtract and
/// one fused multiply-add; the distance d₀·d₀ + d₁·d₁ + … in feature order, each term after the first
/// a fused multiply-add (<see cref="SquaredDistance.Scalar"/>, <see cref="WeightUpdate.Scalar"/>). The winner is the closest node, ties to the lowest index, as in a
/// sequential scan: a running least per lane is kept (<see cref="LeastLanes"/>) and the BMU is the
/// first node at the least, found by measuring again the distances of the first grid row (or, in the
/// one-row layout, of the first chunk of vectors) whose running least reaches it. No distance is
/// stored (it cost a store a vector, and scratch beside the codebook in the first-level cache; see
/// docs/performance.md). So the codebook and every BMU are the plain loops' bits.
/// </remarks>
internal static class FusedOnlineStep
{
    /// <summary>A vector's place in its chunk of <see cref="RowPlanes.ChunkVectors"/>: the one-row
    /// step's vector index is never negative, so a mask and a shift stand for the signed remainder
    /// and quotient, a handful of instructions fewer a vector in the innermost loops.</summary>
    private const int ChunkMask = RowPlanes.ChunkVectors - 1;

    /// <summary>Whether this machine and dimension have the fused step (vectors of some width; 1 to 7
    /// features, the planar range). Without vectors, online training runs its unfused loops, whose
    /// scalar paths give the same bits.</summary>
    public static bool IsSupported(int dim) => VectorWidths.PreferredLanes > 0 && dim is >= 1 and < BmuSearch.PlanarBelowDimension;

    /// <summary>Whether the step runs on <paramref name="planes"/> here: its dimension is in range and
    /// its lane count is a width this machine runs natively.</summary>
    public static bool Runs(RowPlanes planes) => planes.Dim is >= 1 and < BmuSearch.PlanarBelowDimension && VectorWidths.Runs(planes.Lanes);

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
    public static int UpdateAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowScales,
        ReadOnlySpan<float> gxEven, ReadOnlySpan<float> gxOdd, float cutoff, ReadOnlySpan<float> next, int firstRow, int endRow, out float bestDistanceSquared) =>
        For(planes).UpdateAndFindNext(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, firstRow, endRow, out bestDistanceSquared);

    /// <summary>
    /// The step on a codebook laid out as one row of all the nodes of a rectangular grid (planes of
    /// <see cref="RowPlanes.Height"/> 1, node k at position k), with the neighbourhood in two tables
    /// read lane by lane: node k's step is h = rowFactors[k]·columnFactors[k mod period], the float32
    /// product the grid-row step forms from its row scale and x factor. Only the vectors
    /// [<paramref name="moveFrom"/>, <paramref name="moveEnd"/>) move; the others are measured only
    /// (the caller knows which rows have a scale of 0). A grid row need not be whole vectors: only the
    /// last vector of all is partly padding.
    /// </summary>
    /// <param name="rowFactors">Per position, the row scale of that position's grid row (at least
    /// <see cref="RowPlanes.Stride"/> values).</param>
    /// <param name="columnFactors">The x factors of positions 0, 1, …, repeating after its length, a
    /// whole number of vectors (and of grid rows): the period of the columns along the vectors.</param>
    /// <param name="planes">The codebook, one row of all nodes; updated in place.</param>
    /// <param name="sample">The input the nodes move towards.</param>
    /// <param name="cutoff">Steps below this are not applied (0: every step is).</param>
    /// <param name="next">The input whose BMU is wanted after the move.</param>
    /// <param name="moveFrom">The first vector that moves.</param>
    /// <param name="moveEnd">The vector after the last that moves.</param>
    /// <param name="bestDistanceSquared">The BMU's squared distance to <paramref name="next"/>.</param>
    public static int UpdateTiledAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowFactors,
        ReadOnlySpan<float> columnFactors, float cutoff, ReadOnlySpan<float> next, int moveFrom, int moveEnd, out float bestDistanceSquared) =>
        For(planes).UpdateTiledAndFindNext(planes, sample, rowFactors, columnFactors, cutoff, next, moveFrom, moveEnd, out bestDistanceSquared);

    /// <summary>The BMU of <paramref name="input"/> alone (no move): the first sample's search.</summary>
    public static int FindBest(RowPlanes planes, ReadOnlySpan<float> input, out float bestDistanceSquared)
    {
        Span<float> noRows = stackalloc float[planes.Height];
        Span<float> noColumns = planes.Stride <= 1024 ? stackalloc float[planes.Stride] : new float[planes.Stride];
        noRows.Clear();
        noColumns.Clear();
        return UpdateAndFindNext(planes, input, noRows, noColumns, noColumns, 0f, input, out bestDistanceSquared);
    }

    /// <summary>The step's kernel for <paramref name="planes"/>' dimension and vector width.</summary>
    public static Kernel For(RowPlanes planes)
    {
        Debug.Assert(Runs(planes));
        return planes.Lanes switch
        {
            16 => AtWidth<Vector512<float>, Bits512>(planes.Dim),
            8 => AtWidth<Vector256<float>, Bits256>(planes.Dim),
            _ => AtWidth<Vector128<float>, Bits128>(planes.Dim),
        };
    }

    private static Kernel AtWidth<TVector, TWidth>(int dim)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        dim switch
        {
            1 => Kernel<One, TVector, TWidth>.Instance,
            2 => Kernel<Two, TVector, TWidth>.Instance,
            3 => Kernel<Three, TVector, TWidth>.Instance,
            4 => Kernel<Four, TVector, TWidth>.Instance,
            5 => Kernel<Five, TVector, TWidth>.Instance,
            6 => Kernel<Six, TVector, TWidth>.Instance,
            _ => Kernel<Seven, TVector, TWidth>.Instance,
        };

    /// <summary>
    /// The step for one dimension and vector width (<see cref="For"/>), chosen once per training: the
    /// per-sample code calls it through one virtual call instead of switching on the width and the
    /// dimension at every call site (21 calls a site, inlined there, made a training's loop the largest
    /// method the JIT compiled; see docs/performance.md). The methods are those of
    /// <see cref="FusedOnlineStep"/>.
    /// </summary>
    internal abstract class Kernel
    {
        /// <summary><see cref="FusedOnlineStep.UpdateAndFindNext(RowPlanes, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, int, int, out float)"/>.</summary>
        public abstract int UpdateAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowScales,
            ReadOnlySpan<float> gxEven, ReadOnlySpan<float> gxOdd, float cutoff, ReadOnlySpan<float> next, int firstRow, int endRow, out float bestDistanceSquared);

        /// <summary><see cref="FusedOnlineStep.UpdateTiledAndFindNext"/>.</summary>
        public abstract int UpdateTiledAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowFactors,
            ReadOnlySpan<float> columnFactors, float cutoff, ReadOnlySpan<float> next, int moveFrom, int moveEnd, out float bestDistanceSquared);
    }

    /// <summary>The kernel of <typeparamref name="TDim"/> features at <typeparamref name="TWidth"/>:
    /// compiled optimised at its first call (a short training would otherwise run its first thousands of
    /// steps unoptimised).</summary>
    private sealed class Kernel<TDim, TVector, TWidth> : Kernel
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        /// <summary>The one kernel of this dimension and width (it holds no state).</summary>
        public static readonly Kernel<TDim, TVector, TWidth> Instance = new();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override int UpdateAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowScales,
            ReadOnlySpan<float> gxEven, ReadOnlySpan<float> gxOdd, float cutoff, ReadOnlySpan<float> next, int firstRow, int endRow, out float bestDistanceSquared)
        {
            Debug.Assert(Runs(planes) && planes.Dim == TDim.Value && planes.Lanes == TWidth.Lanes);
            Debug.Assert(sample.Length == planes.Dim && next.Length == planes.Dim);
            Debug.Assert(rowScales.Length == planes.Height && gxEven.Length == planes.Stride && gxOdd.Length == planes.Stride);
            Debug.Assert(0 <= firstRow && firstRow < endRow && endRow <= planes.Height);
            var dim = TDim.Value;
            var lanes = TWidth.Lanes;
            int width = planes.Width, stride = planes.Stride;
            var vectors = stride / lanes;
            var plane = (nuint)stride;
            ref var p = ref MemoryMarshal.GetReference(planes.Weights);
            ref var rowLeast = ref MemoryMarshal.GetReference(planes.ChunkLeast);
            ref var even = ref MemoryMarshal.GetReference(gxEven);
            ref var odd = ref MemoryMarshal.GetReference(gxOdd);
            var (x0, x1, x2, x3, x4, x5, x6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(sample);
            var (n0, n1, n2, n3, n4, n5, n6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(next);
            // h ≥ 0 always (a product of factors in [0, 1]), so with a cut-off of 0 the test below keeps
            // every step: one compare and select a vector instead of a branch.
            var cut = TWidth.Create(cutoff);

            // The last vector of a row is partly padding: its lanes at or past the row's end are no node,
            // and their distance is taken as +∞.
            var realInLast = width - ((vectors - 1) * lanes);
            var least = TWidth.Create(float.PositiveInfinity);
            for (var y = firstRow; y < endRow; y++)
            {
                ref var row = ref Unsafe.Add(ref p, (nuint)(y * dim * stride));
                ref var gx = ref (y & 1) == 0 ? ref even : ref odd;
                var scale = rowScales[y];
                if (scale != 0)
                {
                    var rowScale = TWidth.Create(scale);
                    for (var v = 0; v < vectors; v++)
                    {
                        var at = (nuint)(v * lanes);
                        var h = TWidth.ZeroBelow(TWidth.Multiply(rowScale, TWidth.Load(ref gx, at)), cut);
                        var acc = MoveAndMeasure<TDim, TVector, TWidth>(ref row, at, plane, h, x0, x1, x2, x3, x4, x5, x6, n0, n1, n2, n3, n4, n5, n6);
                        least = TWidth.Min(v == vectors - 1 ? TWidth.InfinityFrom(acc, realInLast) : acc, least);
                    }
                }
                else
                {
                    for (var v = 0; v < vectors; v++)
                    {
                        var at = (nuint)(v * lanes);
                        var acc = Measure<TDim, TVector, TWidth>(ref row, at, plane, n0, n1, n2, n3, n4, n5, n6);
                        least = TWidth.Min(v == vectors - 1 ? TWidth.InfinityFrom(acc, realInLast) : acc, least);
                    }
                }

                TWidth.Store(least, ref rowLeast, (nuint)(y * lanes));
            }

            // The first node at the least: in the first row whose running least reaches it, whose
            // distances are measured again from the moved weights (the same operations on the same
            // weights, so the same bits; padding lanes follow every node of the row, so they need no +∞
            // here). No division on the way from the sample to the next. None closer than +∞: the
            // range's first, as a scan answers.
            bestDistanceSquared = TWidth.Least(least);
            if (bestDistanceSquared < float.PositiveInfinity)
            {
                var wanted = TWidth.Create(bestDistanceSquared);
                var y = firstRow;
                while (y < endRow - 1 && TWidth.EqualsMask(TWidth.Load(ref rowLeast, (nuint)(y * lanes)), wanted) == 0)
                {
                    y++;
                }

                ref var row = ref Unsafe.Add(ref p, (nuint)(y * dim * stride));
                for (var v = 0; v < vectors; v++)
                {
                    var acc = Measure<TDim, TVector, TWidth>(ref row, (nuint)(v * lanes), plane, n0, n1, n2, n3, n4, n5, n6);
                    var atLeast = TWidth.EqualsMask(acc, wanted);
                    if (atLeast != 0)
                    {
                        return (y * width) + (v * lanes) + BitOperations.TrailingZeroCount(atLeast);
                    }
                }

                throw new UnreachableException("The row whose running least reached the least holds a node at it.");
            }

            return firstRow * width;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override int UpdateTiledAndFindNext(RowPlanes planes, ReadOnlySpan<float> sample, ReadOnlySpan<float> rowFactors,
            ReadOnlySpan<float> columnFactors, float cutoff, ReadOnlySpan<float> next, int moveFrom, int moveEnd, out float bestDistanceSquared)
        {
            Debug.Assert(Runs(planes) && planes.Dim == TDim.Value && planes.Lanes == TWidth.Lanes && planes.Height == 1);
            Debug.Assert(sample.Length == planes.Dim && next.Length == planes.Dim);
            Debug.Assert(rowFactors.Length >= planes.Stride && columnFactors.Length > 0 && columnFactors.Length % planes.Lanes == 0);
            Debug.Assert(0 <= moveFrom && moveFrom <= moveEnd && moveEnd <= planes.Stride / planes.Lanes);
            var lanes = TWidth.Lanes;
            var stride = planes.Stride;
            var vectors = stride / lanes;
            var plane = (nuint)stride;
            var period = columnFactors.Length;
            ref var p = ref MemoryMarshal.GetReference(planes.Weights);
            ref var chunks = ref MemoryMarshal.GetReference(planes.ChunkLeast);
            ref var rows = ref MemoryMarshal.GetReference(rowFactors);
            ref var columns = ref MemoryMarshal.GetReference(columnFactors);
            var (x0, x1, x2, x3, x4, x5, x6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(sample);
            var (n0, n1, n2, n3, n4, n5, n6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(next);
            var cut = TWidth.Create(cutoff);
            var realInLast = planes.Width - ((vectors - 1) * lanes);
            var least = TWidth.Create(float.PositiveInfinity);
            for (var v = 0; v < moveFrom; v++)
            {
                var at = (nuint)(v * lanes);
                var acc = Measure<TDim, TVector, TWidth>(ref p, at, plane, n0, n1, n2, n3, n4, n5, n6);
                least = TWidth.Min(v == vectors - 1 ? TWidth.InfinityFrom(acc, realInLast) : acc, least);
                if ((v & ChunkMask) == ChunkMask)
                {
                    TWidth.Store(least, ref chunks, (nuint)(v >> RowPlanes.ChunkShift) * (nuint)lanes);
                }
            }

            var column = moveFrom * lanes % period;
            var cutting = cutoff > 0f;
            for (var v = moveFrom; v < moveEnd; v++)
            {
                var at = (nuint)(v * lanes);
                var h = TWidth.Multiply(TWidth.Load(ref rows, at), TWidth.Load(ref columns, (nuint)column));
                if (cutting)
                {
                    h = TWidth.ZeroBelow(h, cut);
                }

                var acc = MoveAndMeasure<TDim, TVector, TWidth>(ref p, at, plane, h, x0, x1, x2, x3, x4, x5, x6, n0, n1, n2, n3, n4, n5, n6);
                least = TWidth.Min(v == vectors - 1 ? TWidth.InfinityFrom(acc, realInLast) : acc, least);
                if ((v & ChunkMask) == ChunkMask)
                {
                    TWidth.Store(least, ref chunks, (nuint)(v >> RowPlanes.ChunkShift) * (nuint)lanes);
                }
                column += lanes;
                if (column == period)
                {
                    column = 0;
                }
            }

            for (var v = moveEnd; v < vectors; v++)
            {
                var at = (nuint)(v * lanes);
                var acc = Measure<TDim, TVector, TWidth>(ref p, at, plane, n0, n1, n2, n3, n4, n5, n6);
                least = TWidth.Min(v == vectors - 1 ? TWidth.InfinityFrom(acc, realInLast) : acc, least);
                if ((v & ChunkMask) == ChunkMask)
                {
                    TWidth.Store(least, ref chunks, (nuint)(v >> RowPlanes.ChunkShift) * (nuint)lanes);
                }
            }

            if (vectors % RowPlanes.ChunkVectors != 0)
            {
                TWidth.Store(least, ref chunks, (nuint)(vectors / RowPlanes.ChunkVectors * lanes));
            }

            // The first node at the least: in the first chunk whose running least reaches it (the least
            // so far is the least itself from the chunk of its first vector on), whose distances are
            // measured again from the moved weights: the same operations on the same weights, so the
            // same bits. None closer than +∞: node 0, as a scan answers.
            bestDistanceSquared = TWidth.Least(least);
            var inChunks = LeastLanes.First<TVector, TWidth>(planes.ChunkLeast, bestDistanceSquared);
            if (inChunks < 0)
            {
                return 0;
            }

            var wanted = TWidth.Create(bestDistanceSquared);
            var endVector = Math.Min((inChunks / lanes + 1) * RowPlanes.ChunkVectors, vectors);
            for (var v = inChunks / lanes * RowPlanes.ChunkVectors; v < endVector; v++)
            {
                var at = v * lanes;
                var acc = Measure<TDim, TVector, TWidth>(ref p, (nuint)at, plane, n0, n1, n2, n3, n4, n5, n6);
                // Padding lanes need no +∞ here: they follow every node, and a node is at the least.
                var atLeast = TWidth.EqualsMask(acc, wanted);
                if (atLeast != 0)
                {
                    return at + BitOperations.TrailingZeroCount(atLeast);
                }
            }

            throw new UnreachableException("The chunk whose running least reached the least holds a node at it.");
        }
    }



    /// <summary>Moves one vector of nodes, every feature's plane <paramref name="plane"/> floats after
    /// the one before, towards x by h and returns their squared distances to n (the reference's
    /// arithmetic, feature by feature).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector MoveAndMeasure<TDim, TVector, TWidth>(ref float row, nuint at, nuint plane, TVector h,
        TVector x0, TVector x1, TVector x2, TVector x3, TVector x4, TVector x5, TVector x6,
        TVector n0, TVector n1, TVector n2, TVector n3, TVector n4, TVector n5, TVector n6)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var dim = TDim.Value;
        var acc = Move<TVector, TWidth>(ref row, at, h, x0, n0);
        if (dim > 1)
        {
            acc = MoveAndAdd<TVector, TWidth>(ref row, at + plane, h, x1, n1, acc);
        }

        if (dim > 2)
        {
            acc = MoveAndAdd<TVector, TWidth>(ref row, at + (2 * plane), h, x2, n2, acc);
        }

        if (dim > 3)
        {
            acc = MoveAndAdd<TVector, TWidth>(ref row, at + (3 * plane), h, x3, n3, acc);
        }

        if (dim > 4)
        {
            acc = MoveAndAdd<TVector, TWidth>(ref row, at + (4 * plane), h, x4, n4, acc);
        }

        if (dim > 5)
        {
            acc = MoveAndAdd<TVector, TWidth>(ref row, at + (5 * plane), h, x5, n5, acc);
        }

        if (dim > 6)
        {
            acc = MoveAndAdd<TVector, TWidth>(ref row, at + (6 * plane), h, x6, n6, acc);
        }

        return acc;
    }

    /// <summary>The squared distances of one vector of nodes to n, without moving them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Measure<TDim, TVector, TWidth>(ref float row, nuint at, nuint plane,
        TVector n0, TVector n1, TVector n2, TVector n3, TVector n4, TVector n5, TVector n6)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var dim = TDim.Value;
        var acc = Measure<TVector, TWidth>(ref row, at, n0);
        if (dim > 1)
        {
            acc = MeasureAndAdd<TVector, TWidth>(ref row, at + plane, n1, acc);
        }

        if (dim > 2)
        {
            acc = MeasureAndAdd<TVector, TWidth>(ref row, at + (2 * plane), n2, acc);
        }

        if (dim > 3)
        {
            acc = MeasureAndAdd<TVector, TWidth>(ref row, at + (3 * plane), n3, acc);
        }

        if (dim > 4)
        {
            acc = MeasureAndAdd<TVector, TWidth>(ref row, at + (4 * plane), n4, acc);
        }

        if (dim > 5)
        {
            acc = MeasureAndAdd<TVector, TWidth>(ref row, at + (5 * plane), n5, acc);
        }

        if (dim > 6)
        {
            acc = MeasureAndAdd<TVector, TWidth>(ref row, at + (6 * plane), n6, acc);
        }

        return acc;
    }

    /// <summary>Moves a vector of weights of one feature towards x by h (w + h·(x − w), one rounding),
    /// stores them, and returns them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Moved<TVector, TWidth>(ref float weights, nuint at, TVector h, TVector x)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var w = TWidth.Load(ref weights, at);
        w = TWidth.FusedMultiplyAdd(h, TWidth.Subtract(x, w), w);
        TWidth.Store(w, ref weights, at);
        return w;
    }

    /// <summary>Moves the weights (<see cref="Moved"/>) and returns their squared difference from n:
    /// the first term of a distance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Move<TVector, TWidth>(ref float weights, nuint at, TVector h, TVector x, TVector n)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var d = TWidth.Subtract(Moved<TVector, TWidth>(ref weights, at, h, x), n);
        return TWidth.Multiply(d, d);
    }

    /// <summary>Moves the weights and adds their squared difference from n to <paramref name="acc"/>
    /// (one rounding): a later term of a distance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector MoveAndAdd<TVector, TWidth>(ref float weights, nuint at, TVector h, TVector x, TVector n, TVector acc)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var d = TWidth.Subtract(Moved<TVector, TWidth>(ref weights, at, h, x), n);
        return TWidth.FusedMultiplyAdd(d, d, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector MeasureAndAdd<TVector, TWidth>(ref float weights, nuint at, TVector n, TVector acc)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var d = TWidth.Subtract(TWidth.Load(ref weights, at), n);
        return TWidth.FusedMultiplyAdd(d, d, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Measure<TVector, TWidth>(ref float weights, nuint at, TVector n)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var d = TWidth.Subtract(TWidth.Load(ref weights, at), n);
        return TWidth.Multiply(d, d);
    }
}
