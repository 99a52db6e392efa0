using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// BMUs of many rows at once, as a blocked matrix product: with score(x, w) = ‖w‖² − 2·x·w the BMU is
/// the node of least score (‖x‖² is the same for every node). Dot products come from a register tile
/// of 4 rows × 16 nodes: eight 256-bit accumulators, one broadcast per row and two loads of a
/// feature-major codebook per feature, eight fused multiply-adds (4 rows × 32 nodes with 512-bit
/// vectors where the hardware has them). The running best and second-best
/// score of each row stay in registers per lane, so no score matrix is stored.
/// </summary>
/// <remarks>
/// The expansion cancels digits: two nodes whose scores are within the rounding bound of each other
/// are decided by their exact squared distances (<see cref="SquaredDistance"/>), ties to the lower
/// index, so the answer is the exact search's unless three or more nodes are that close. Each score
/// is one multiply-add chain over the features in order, the same for every blocking and thread
/// count.
/// </remarks>
internal static class BlockedBmuSearch
{
    private const int Lanes = 8;
    private const int WideLanes = 16;

    /// <summary>Nodes are padded to a multiple of this: two vectors of either width.</summary>
    private const int NodeTile = 2 * WideLanes;
    private const int RowTile = 4;

    /// <summary>
    /// A codebook laid out for the kernel: panels of 32 nodes, each feature-major (the 32 nodes'
    /// feature 0, then their feature 1, …), so that a tile's pass over the features reads one
    /// contiguous run of memory; the nodes padded to a multiple of 32, and ‖w‖² per node (+∞ for the
    /// padding, so it never wins). Weight f of node k is at
    /// <c>Planes[(k / 32)·32·Dim + f·32 + k mod 32]</c>.
    /// </summary>
    internal sealed class Prepared
    {
        public Prepared(float[] codebook, int dim)
        {
            Codebook = codebook;
            Dim = dim;
            Nodes = codebook.Length / dim;
            Padded = (Nodes + NodeTile - 1) / NodeTile * NodeTile;
            Planes = new float[dim * Padded];
            Norms = new float[Padded];
            Array.Fill(Norms, float.PositiveInfinity);
            for (var k = 0; k < Nodes; k++)
            {
                var w = codebook.AsSpan(k * dim, dim);
                var norm = 0f;
                for (var f = 0; f < dim; f++)
                {
                    Planes[(k / NodeTile * NodeTile * dim) + (f * NodeTile) + (k % NodeTile)] = w[f];
                    norm += w[f] * w[f];
                }

                Norms[k] = norm;
                MaxNorm = Math.Max(MaxNorm, norm);
            }
        }

        /// <summary>The largest ‖w‖² of a real node.</summary>
        public float MaxNorm { get; }

        public float[] Codebook { get; }

        public int Dim { get; }

        public int Nodes { get; }

        public int Padded { get; }

        public float[] Planes { get; }

        public float[] Norms { get; }
    }

    /// <summary>Planes of a node block fit this many bytes (most of a 48 KiB L1 data cache).</summary>
    private const int BlockBytes = 32 * 1024;

    /// <summary>
    /// The BMU of each row of <paramref name="rows"/> (row-major, <c>Dim</c> floats each). The
    /// codebook is walked in blocks of nodes whose planes fit the L1 cache, and every row of the call
    /// meets a block before the next block is loaded: each loaded weight serves all the rows, not four.
    /// Each row's running top two lives in <c>state</c> between blocks.
    /// </summary>
    /// <param name="w">The prepared codebook.</param>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="bmus">Receives one node index per row.</param>
    /// <param name="wide">Use 512-bit vectors; null (the default) uses them where the hardware has
    /// them. Tests run both widths.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FindBest(Prepared w, ReadOnlySpan<float> rows, Span<int> bmus, bool? wide = null)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        Debug.Assert(bmus.Length >= n);
        var state = Sweep(w, rows, wide, out var lanes);
        for (var r = 0; r < n; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            bmus[r] = Resolve(w, rows.Slice(r * dim, dim), row[..lanes], row[lanes..(2 * lanes)],
                MemoryMarshal.Cast<float, int>(row[(2 * lanes)..(3 * lanes)]), MemoryMarshal.Cast<float, int>(row[(3 * lanes)..]));
        }
    }

    /// <summary>
    /// The best and second-best node of each row, exactly those of a sequential scan of exact
    /// squared distances (<see cref="BmuSearch.FindBestTwo"/>: ties to the lower index for both
    /// places), and the best one's exact squared distance: for the quantization and topographic
    /// errors. The sweep's scores pick the candidates; every candidate whose score is within the
    /// rounding bound of the second place is measured exactly, and so is every node of a lane that
    /// may hold a third such node the sweep did not keep.
    /// </summary>
    public static void FindBestTwo(Prepared w, ReadOnlySpan<float> rows, Span<int> best, Span<int> second, Span<float> bestDistanceSquared, bool? wide = null)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        Debug.Assert(w.Nodes >= 2 && best.Length >= n && second.Length >= n && bestDistanceSquared.Length >= n);
        var state = Sweep(w, rows, wide, out var lanes);
        for (var r = 0; r < n; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            (best[r], bestDistanceSquared[r], second[r]) = ResolveTwo(w, rows.Slice(r * dim, dim), row[..lanes], row[lanes..(2 * lanes)],
                MemoryMarshal.Cast<float, int>(row[(2 * lanes)..(3 * lanes)]), MemoryMarshal.Cast<float, int>(row[(3 * lanes)..]));
        }
    }

    /// <summary>Runs the blocked walk for the rows and returns their state: per row, the lanes' best
    /// and second score and their indices, one vector each (<paramref name="lanes"/> floats).</summary>
    private static Span<float> Sweep(Prepared w, ReadOnlySpan<float> rows, bool? wide, out int lanes)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        var useWide = wide ?? Vector512.IsHardwareAccelerated;
        lanes = useWide ? WideLanes : Lanes;
        if (n == 0)
        {
            return [];
        }

        // Rows topped up to a multiple of 4 with copies of the last one (their answers are dropped);
        // every row's own arithmetic is the same as in a full tile.
        var tiles = (n + RowTile - 1) / RowTile;
        var padded = rows;
        if (n % RowTile != 0)
        {
            var copy = new float[tiles * RowTile * dim];
            rows.CopyTo(copy);
            for (var r = n; r < tiles * RowTile; r++)
            {
                rows.Slice((n - 1) * dim, dim).CopyTo(copy.AsSpan(r * dim, dim));
            }

            padded = copy;
        }

        var state = AlignedState(tiles * RowTile * 4 * lanes);
        Run(w, padded, state, tiles, lanes, useWide);
        return state;
    }

    /// <summary>This thread's row state: pinned, kept between calls (a call per 256-row chunk would
    /// otherwise allocate 64 KiB each time) and starting on a 64-byte boundary. Vectors that straddle
    /// two cache lines made every load and store of the state a split one, and the tile's updates of
    /// it, back to back, twice as slow as its multiply-adds (0.44 against 0.24 s for 100,000 × 64
    /// rows against 1,600 nodes on one thread).</summary>
    private static Span<float> AlignedState(int length)
    {
        if (_threadState.Length < length)
        {
            _threadState = AlignedBuffer.Allocate(length);
        }

        return _threadState.Span[..length];
    }

    [ThreadStatic]
    private static Memory<float> _threadState;

    /// <summary>The blocked walk over the nodes, into the row state given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(Prepared w, ReadOnlySpan<float> padded, Span<float> state, int tiles, int lanes, bool useWide)
    {
        var dim = w.Dim;
        for (var r = 0; r < tiles * RowTile; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            row[..(2 * lanes)].Fill(float.PositiveInfinity);
            MemoryMarshal.Cast<float, int>(row[(2 * lanes)..]).Fill(-1);
        }

        var nodeBlock = Math.Max(NodeTile, BlockBytes / (4 * dim) / NodeTile * NodeTile);
        for (var kb = 0; kb < w.Padded; kb += nodeBlock)
        {
            var kEnd = Math.Min(w.Padded, kb + nodeBlock);
            for (var t = 0; t < tiles; t++)
            {
                var block = padded.Slice(t * RowTile * dim, RowTile * dim);
                var tileState = state.Slice(t * RowTile * 4 * lanes, RowTile * 4 * lanes);
                if (useWide)
                {
                    WideTile(w, block, kb, kEnd, tileState);
                }
                else
                {
                    Tile(w, block, kb, kEnd, tileState);
                }
            }
        }
    }

    /// <summary>Four rows against every node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(Prepared w, ReadOnlySpan<float> block, int kb, int kEnd, Span<float> state)
    {
        var dim = w.Dim;
        Debug.Assert(state.Length == RowTile * 4 * (Unsafe.SizeOf<Vector512<float>>() / 4) || state.Length == RowTile * 4 * Lanes);
        ref var planes = ref MemoryMarshal.GetArrayDataReference(w.Planes);
        ref var norms = ref MemoryMarshal.GetArrayDataReference(w.Norms);
        ref var r0 = ref MemoryMarshal.GetReference(block);
        ref var r1 = ref Unsafe.Add(ref r0, dim);
        ref var r2 = ref Unsafe.Add(ref r0, 2 * dim);
        ref var r3 = ref Unsafe.Add(ref r0, 3 * dim);
        // state: per row, best | second | best index | second index, one vector each.
        var rows = MemoryMarshal.Cast<float, Vector256<float>>(state);
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var minusTwo = Vector256.Create(-2f);

        for (var k0 = kb; k0 < kEnd; k0 += 2 * Lanes)
        {
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            // Half a panel: the offset advances by one panel row (32 nodes) per feature; the four
            // rows are read through their own references.
            var at = (nuint)((k0 / NodeTile * NodeTile * dim) + (k0 % NodeTile));
            for (var f = 0; f < dim; f++, at += NodeTile)
            {
                var p0 = Vector256.LoadUnsafe(ref planes, at);
                var p1 = Vector256.LoadUnsafe(ref planes, at + Lanes);
                var x0 = Vector256.Create(Unsafe.Add(ref r0, f));
                var x1 = Vector256.Create(Unsafe.Add(ref r1, f));
                var x2 = Vector256.Create(Unsafe.Add(ref r2, f));
                var x3 = Vector256.Create(Unsafe.Add(ref r3, f));
                a00 = Vector256.MultiplyAddEstimate(x0, p0, a00);
                a01 = Vector256.MultiplyAddEstimate(x0, p1, a01);
                a10 = Vector256.MultiplyAddEstimate(x1, p0, a10);
                a11 = Vector256.MultiplyAddEstimate(x1, p1, a11);
                a20 = Vector256.MultiplyAddEstimate(x2, p0, a20);
                a21 = Vector256.MultiplyAddEstimate(x2, p1, a21);
                a30 = Vector256.MultiplyAddEstimate(x3, p0, a30);
                a31 = Vector256.MultiplyAddEstimate(x3, p1, a31);
            }

            // score = ‖w‖² − 2·x·w, then keep the two least per lane.
            var n0 = Vector256.LoadUnsafe(ref norms, (nuint)k0);
            var n1 = Vector256.LoadUnsafe(ref norms, (nuint)(k0 + Lanes));
            var i0 = lane + Vector256.Create(k0);
            var i1 = i0 + Vector256.Create(Lanes);
            Keep(ref rows[0], ref rows[1], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[2]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[3]), Vector256.MultiplyAddEstimate(minusTwo, a00, n0), i0);
            Keep(ref rows[0], ref rows[1], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[2]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[3]), Vector256.MultiplyAddEstimate(minusTwo, a01, n1), i1);
            Keep(ref rows[4], ref rows[5], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[6]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[7]), Vector256.MultiplyAddEstimate(minusTwo, a10, n0), i0);
            Keep(ref rows[4], ref rows[5], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[6]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[7]), Vector256.MultiplyAddEstimate(minusTwo, a11, n1), i1);
            Keep(ref rows[8], ref rows[9], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[10]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[11]), Vector256.MultiplyAddEstimate(minusTwo, a20, n0), i0);
            Keep(ref rows[8], ref rows[9], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[10]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[11]), Vector256.MultiplyAddEstimate(minusTwo, a21, n1), i1);
            Keep(ref rows[12], ref rows[13], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[14]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[15]), Vector256.MultiplyAddEstimate(minusTwo, a30, n0), i0);
            Keep(ref rows[12], ref rows[13], ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[14]), ref Unsafe.As<Vector256<float>, Vector256<int>>(ref rows[15]), Vector256.MultiplyAddEstimate(minusTwo, a31, n1), i1);
        }

    }

    /// <summary>The same tile with 512-bit vectors: 4 rows × 32 nodes in eight 16-lane accumulators.
    /// Each score is the same multiply-add chain as in <see cref="Tile"/>, only more of them at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTile(Prepared w, ReadOnlySpan<float> block, int kb, int kEnd, Span<float> state)
    {
        var dim = w.Dim;
        Debug.Assert(state.Length == RowTile * 4 * (Unsafe.SizeOf<Vector512<float>>() / 4) || state.Length == RowTile * 4 * Lanes);
        ref var planes = ref MemoryMarshal.GetArrayDataReference(w.Planes);
        ref var norms = ref MemoryMarshal.GetArrayDataReference(w.Norms);
        ref var r0 = ref MemoryMarshal.GetReference(block);
        ref var r1 = ref Unsafe.Add(ref r0, dim);
        ref var r2 = ref Unsafe.Add(ref r0, 2 * dim);
        ref var r3 = ref Unsafe.Add(ref r0, 3 * dim);
        var rows = MemoryMarshal.Cast<float, Vector512<float>>(state);
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var minusTwo = Vector512.Create(-2f);
        // The four rows' state in registers for the whole block.
        Vector512<float> b0 = rows[0], s0 = rows[1], b1 = rows[4], s1 = rows[5], b2 = rows[8], s2 = rows[9], b3 = rows[12], s3 = rows[13];
        Vector512<int> bi0 = rows[2].AsInt32(), si0 = rows[3].AsInt32(), bi1 = rows[6].AsInt32(), si1 = rows[7].AsInt32();
        Vector512<int> bi2 = rows[10].AsInt32(), si2 = rows[11].AsInt32(), bi3 = rows[14].AsInt32(), si3 = rows[15].AsInt32();

        for (var k0 = kb; k0 < kEnd; k0 += NodeTile)
        {
            Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
            // One panel: the offset advances by one panel row (32 nodes) per feature; the four rows
            // are read through their own references.
            var at = (nuint)(k0 * dim);
            for (var f = 0; f < dim; f++, at += NodeTile)
            {
                var p0 = Vector512.LoadUnsafe(ref planes, at);
                var p1 = Vector512.LoadUnsafe(ref planes, at + WideLanes);
                var x0 = Vector512.Create(Unsafe.Add(ref r0, f));
                var x1 = Vector512.Create(Unsafe.Add(ref r1, f));
                var x2 = Vector512.Create(Unsafe.Add(ref r2, f));
                var x3 = Vector512.Create(Unsafe.Add(ref r3, f));
                a00 = Vector512.MultiplyAddEstimate(x0, p0, a00);
                a01 = Vector512.MultiplyAddEstimate(x0, p1, a01);
                a10 = Vector512.MultiplyAddEstimate(x1, p0, a10);
                a11 = Vector512.MultiplyAddEstimate(x1, p1, a11);
                a20 = Vector512.MultiplyAddEstimate(x2, p0, a20);
                a21 = Vector512.MultiplyAddEstimate(x2, p1, a21);
                a30 = Vector512.MultiplyAddEstimate(x3, p0, a30);
                a31 = Vector512.MultiplyAddEstimate(x3, p1, a31);
            }

            var n0 = Vector512.LoadUnsafe(ref norms, (nuint)k0);
            var n1 = Vector512.LoadUnsafe(ref norms, (nuint)(k0 + WideLanes));
            var i0 = lane + Vector512.Create(k0);
            var i1 = i0 + Vector512.Create(WideLanes);
            KeepWide(ref b0, ref s0, ref bi0, ref si0, Vector512.MultiplyAddEstimate(minusTwo, a00, n0), i0);
            KeepWide(ref b0, ref s0, ref bi0, ref si0, Vector512.MultiplyAddEstimate(minusTwo, a01, n1), i1);
            KeepWide(ref b1, ref s1, ref bi1, ref si1, Vector512.MultiplyAddEstimate(minusTwo, a10, n0), i0);
            KeepWide(ref b1, ref s1, ref bi1, ref si1, Vector512.MultiplyAddEstimate(minusTwo, a11, n1), i1);
            KeepWide(ref b2, ref s2, ref bi2, ref si2, Vector512.MultiplyAddEstimate(minusTwo, a20, n0), i0);
            KeepWide(ref b2, ref s2, ref bi2, ref si2, Vector512.MultiplyAddEstimate(minusTwo, a21, n1), i1);
            KeepWide(ref b3, ref s3, ref bi3, ref si3, Vector512.MultiplyAddEstimate(minusTwo, a30, n0), i0);
            KeepWide(ref b3, ref s3, ref bi3, ref si3, Vector512.MultiplyAddEstimate(minusTwo, a31, n1), i1);
        }

        (rows[0], rows[1], rows[2], rows[3]) = (b0, s0, bi0.AsSingle(), si0.AsSingle());
        (rows[4], rows[5], rows[6], rows[7]) = (b1, s1, bi1.AsSingle(), si1.AsSingle());
        (rows[8], rows[9], rows[10], rows[11]) = (b2, s2, bi2.AsSingle(), si2.AsSingle());
        (rows[12], rows[13], rows[14], rows[15]) = (b3, s3, bi3.AsSingle(), si3.AsSingle());
    }


    /// <summary><see cref="Keep"/> for 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeepWide(ref Vector512<float> best, ref Vector512<float> second, ref Vector512<int> bestIndex, ref Vector512<int> secondIndex, Vector512<float> score, Vector512<int> index)
    {
        var belowBest = Vector512.LessThan(score, best);
        var belowSecond = Vector512.LessThan(score, second);
        second = Vector512.ConditionalSelect(belowBest, best, Vector512.ConditionalSelect(belowSecond, score, second));
        secondIndex = Vector512.ConditionalSelect(belowBest.AsInt32(), bestIndex, Vector512.ConditionalSelect(belowSecond.AsInt32(), index, secondIndex));
        best = Vector512.ConditionalSelect(belowBest, score, best);
        bestIndex = Vector512.ConditionalSelect(belowBest.AsInt32(), index, bestIndex);
    }

    /// <summary>Lane-wise top two: a score below the best pushes the best down to second.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(ref Vector256<float> best, ref Vector256<float> second, ref Vector256<int> bestIndex, ref Vector256<int> secondIndex, Vector256<float> score, Vector256<int> index)
    {
        var belowBest = Vector256.LessThan(score, best);
        var belowSecond = Vector256.LessThan(score, second);
        second = Vector256.ConditionalSelect(belowBest, best, Vector256.ConditionalSelect(belowSecond, score, second));
        secondIndex = Vector256.ConditionalSelect(belowBest.AsInt32(), bestIndex, Vector256.ConditionalSelect(belowSecond.AsInt32(), index, secondIndex));
        best = Vector256.ConditionalSelect(belowBest, score, best);
        bestIndex = Vector256.ConditionalSelect(belowBest.AsInt32(), index, bestIndex);
    }

    /// <summary>Merges the lanes into the row's best and second-best node, then lets the exact
    /// distances decide between them when their scores are within rounding of each other.</summary>
    private static int Resolve(Prepared w, ReadOnlySpan<float> x, ReadOnlySpan<float> best, ReadOnlySpan<float> second, ReadOnlySpan<int> bestIndex, ReadOnlySpan<int> secondIndex)
    {
        float b = float.PositiveInfinity, s = float.PositiveInfinity;
        int bi = -1, si = -1;
        for (var l = 0; l < best.Length; l++)
        {
            Offer(best[l], bestIndex[l], ref b, ref bi, ref s, ref si);
            Offer(second[l], secondIndex[l], ref b, ref bi, ref s, ref si);
        }

        if (bi < 0)
        {
            return 0; // every score was NaN: inputs are validated before this, so this does not occur
        }

        if (si < 0)
        {
            return bi;
        }

        // The rounding bound of a score: each of the dim products and the sums carries up to one unit
        // of 2⁻²⁴ of ‖x‖² + ‖w‖² (|x·w| ≤ (‖x‖² + ‖w‖²)/2), for both scores.
        var dim = w.Dim;
        var xx = 0f;
        foreach (var v in x)
        {
            xx += v * v;
        }

        var margin = (dim + 2) * (1f / (1 << 22)) * ((2 * xx) + w.Norms[bi] + w.Norms[si]);
        if (s - b > margin)
        {
            return bi;
        }

        var exactBest = SquaredDistance.Compute(w.Codebook.AsSpan(bi * dim, dim), x);
        var exactSecond = SquaredDistance.Compute(w.Codebook.AsSpan(si * dim, dim), x);
        return exactSecond < exactBest || (exactSecond == exactBest && si < bi) ? si : bi;
    }

    /// <summary>
    /// The exact top two of one row from its lanes' top twos (see <see cref="FindBestTwo"/>). A score
    /// s = ‖w‖² − 2x·w is off the exact d − ‖x‖² by at most e = (dim + 2)·2⁻²²·(‖x‖² + max ‖w‖²).
    /// A node whose score is above s₂ + 2e (s₂ the second least score) is farther than the node of
    /// score s₂, so the exact top two are among the kept candidates at or below that limit, and among
    /// all the nodes of a lane whose second place is at or below it too (the lane may have dropped a
    /// third): those lanes are measured node by node.
    /// </summary>
    private static (int Best, float BestDistanceSquared, int Second) ResolveTwo(Prepared w, ReadOnlySpan<float> x,
        ReadOnlySpan<float> best, ReadOnlySpan<float> second, ReadOnlySpan<int> bestIndex, ReadOnlySpan<int> secondIndex)
    {
        float s1 = float.PositiveInfinity, s2 = float.PositiveInfinity;
        void Consider(float score, int index)
        {
            if (index >= 0 && score < s2)
            {
                (s1, s2) = score < s1 ? (score, s1) : (s1, score);
            }
        }

        for (var l = 0; l < best.Length; l++)
        {
            Consider(best[l], bestIndex[l]);
            Consider(second[l], secondIndex[l]);
        }

        var dim = w.Dim;
        var xx = 0.0;
        foreach (var v in x)
        {
            xx += v * v;
        }

        var limit = s2 + (2 * (dim + 2) * (1.0 / (1 << 22)) * (xx + w.MaxNorm));
        var top = ExactTopTwo.Empty;
        // Lane l saw the nodes l, l + lanes, l + 2·lanes, … and kept its two least scores.
        var lanes = best.Length;
        for (var l = 0; l < lanes; l++)
        {
            if (secondIndex[l] >= 0 && second[l] <= limit)
            {
                for (var k = l; k < w.Nodes; k += lanes)
                {
                    top.Offer(k, SquaredDistance.Compute(w.Codebook.AsSpan(k * dim, dim), x));
                }
            }
            else if (bestIndex[l] >= 0 && best[l] <= limit)
            {
                top.Offer(bestIndex[l], SquaredDistance.Compute(w.Codebook.AsSpan(bestIndex[l] * dim, dim), x));
            }
        }

        return (top.First, top.FirstDistanceSquared, top.Second);
    }

    /// <summary>The two least exact distances offered, in any order of nodes: ties to the lower index
    /// for both places.</summary>
    private struct ExactTopTwo
    {
        public int First, Second;
        public float FirstDistanceSquared, SecondDistanceSquared;

        public static ExactTopTwo Empty => new()
        {
            First = -1, Second = -1, FirstDistanceSquared = float.PositiveInfinity, SecondDistanceSquared = float.PositiveInfinity,
        };

        public void Offer(int index, float d)
        {
            if (d < FirstDistanceSquared || (d == FirstDistanceSquared && index < First))
            {
                (Second, SecondDistanceSquared) = (First, FirstDistanceSquared);
                (First, FirstDistanceSquared) = (index, d);
            }
            else if (d < SecondDistanceSquared || (d == SecondDistanceSquared && index < Second))
            {
                (Second, SecondDistanceSquared) = (index, d);
            }
        }
    }

    /// <summary>Adds a candidate to the running top two (ties to the lower index).</summary>
    private static void Offer(float score, int index, ref float b, ref int bi, ref float s, ref int si)
    {
        if (index < 0)
        {
            return;
        }

        if (score < b || (score == b && index < bi))
        {
            (s, si) = (b, bi);
            (b, bi) = (score, index);
        }
        else if (index != bi && (score < s || (score == s && index < si) || si < 0))
        {
            (s, si) = (score, index);
        }
    }
}
