using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kohonen.Kernels;

/// <summary>
/// BMUs of many rows at once, as a blocked matrix product: with score(x, w) = ‖w‖² − 2·x·w the BMU is
/// the node of least score (‖x‖² is the same for every node). Dot products come from a register tile
/// of 4 rows × 24 nodes: twelve 256-bit accumulators, per feature one broadcast per row, three loads
/// of a feature-major codebook and twelve fused multiply-adds (4 rows × 32 nodes in eight 512-bit
/// accumulators where the hardware has them). The running best and second-best score of each row
/// are kept per lane, so no score matrix is stored.
/// </summary>
/// <remarks>
/// The expansion cancels digits: nodes whose scores are within the rounding bound of the best are
/// decided by their exact squared distances (<see cref="SquaredDistance"/>), ties to the lower index,
/// and so is every node of a lane that may have dropped a third such node, so the answer is the
/// exact scan's (<see cref="Resolve"/>). Both searches keep a top two per vector of a panel (24
/// lanes at 256 bits), so that such a lane is a 24th of the nodes. Each score
/// is one multiply-add chain over the features in order, the same for every blocking and thread
/// count.
/// </remarks>
internal static class BlockedBmuSearch
{
    private const int Lanes = 8;
    private const int WideLanes = 16;
    private const int RowTile = 4;

    /// <summary>
    /// A codebook laid out for the kernel: panels of one tile's nodes (24, three 256-bit vectors, or
    /// 32, two 512-bit ones), nodes near each other in data space together (so that a panel far from
    /// a tile of rows can be passed over: <see cref="FindBest"/>'s hints), each feature-major (the panel's nodes' feature 0, then their
    /// feature 1, …), so that a tile's pass over the features reads one contiguous run of memory; the
    /// nodes padded to a whole panel, and ‖w‖² per slot (+∞ for the padding, so it never wins).
    /// </summary>
    /// <remarks>
    /// The panel is exactly what one tile reads per feature. A 32-node panel read 16 nodes at a time
    /// (as an earlier 256-bit tile did) strides 128 bytes and so uses half the L1 cache's sets: at 300
    /// features a half-panel's 300 lines met 32 sets of 8 ways and missed the cache throughout.
    /// </remarks>
    internal sealed class Prepared
    {
        /// <param name="codebook">The codebook, node-major.</param>
        /// <param name="dim">Features per node.</param>
        /// <param name="wide">Lay out for 512-bit vectors; null (the default) does where the hardware
        /// has them. Tests lay out for both widths.</param>
        public Prepared(float[] codebook, int dim, bool? wide = null)
        {
            Codebook = codebook;
            Dim = dim;
            Wide = wide ?? Vector512.IsHardwareAccelerated;
            Panel = Wide ? 2 * WideLanes : 3 * Lanes;
            Nodes = codebook.Length / dim;
            Padded = (Nodes + Panel - 1) / Panel * Panel;
            Planes = AlignedBuffer.Allocate(dim * Padded);
            Norms = AlignedBuffer.Allocate(Padded);
            Ids = new int[Padded];
            var panels = Padded / Panel;
            var centres = new float[panels * dim];
            Radii = new float[panels];
            CenterPlanes = new float[dim * ((panels + (2 * Lanes) - 1) / (2 * Lanes) * 2 * Lanes)];
            CenterNorms = new float[(panels + (2 * Lanes) - 1) / (2 * Lanes) * 2 * Lanes];
            Ids.AsSpan().Fill(-1);
            var planes = Planes.Span;
            var norms = Norms.Span;
            norms.Fill(float.PositiveInfinity);

            // The nodes in panel order, Panel at a time; each panel's nodes then in index order.
            var order = SplitOrder(codebook, dim, Nodes, Panel);
            var centre = new double[dim];
            for (var g = 0; g < panels; g++)
            {
                var count = Math.Min(Panel, Nodes - (g * Panel));
                var members = order.AsSpan(g * Panel, count);
                members.Sort();
                Array.Clear(centre);
                for (var j = 0; j < count; j++)
                {
                    var k = members[j];
                    var slot = (g * Panel) + j;
                    Ids[slot] = k;
                    var w = codebook.AsSpan(k * dim, dim);
                    var norm = 0f;
                    for (var f = 0; f < dim; f++)
                    {
                        planes[(g * Panel * dim) + (f * Panel) + j] = w[f];
                        norm += w[f] * w[f];
                        centre[f] += w[f];
                    }

                    norms[slot] = norm;
                    MaxNorm = Math.Max(MaxNorm, norm);
                }

                var c = centres.AsSpan(g * dim, dim);
                for (var f = 0; f < dim; f++)
                {
                    c[f] = (float)(centre[f] / count);
                }

                var radius = 0.0;
                foreach (var k in members)
                {
                    var d2 = 0.0;
                    for (var f = 0; f < dim; f++)
                    {
                        var d = (double)codebook[(k * dim) + f] - c[f];
                        d2 += d * d;
                    }

                    radius = Math.Max(radius, Math.Sqrt(d2));
                }

                Radii[g] = (float)radius;
                var stride = CenterNorms.Length;
                var centreNorm = 0f;
                for (var f = 0; f < dim; f++)
                {
                    CenterPlanes[(f * stride) + g] = c[f];
                    centreNorm += c[f] * c[f];
                }

                CenterNorms[g] = centreNorm;
            }
        }

        /// <summary>The nodes by recursive median splits along the widest feature
        /// (<see cref="BoundedBlocks.Split"/>), <paramref name="panel"/> at a time.</summary>
        private static int[] SplitOrder(float[] codebook, int dim, int nodes, int panel)
        {
            var order = Enumerable.Range(0, nodes).ToArray();
            BoundedBlocks.Split(codebook, dim, panel, order, new float[nodes], 0, nodes, []);
            return order;
        }

        /// <summary>The node at each slot of the panels, −1 for the padding. Weight f of the node at
        /// slot s is at <c>Planes[(s / P)·P·Dim + f·P + s mod P]</c> with P = <see cref="Panel"/>.</summary>
        public int[] Ids { get; }

        /// <summary>Per panel, the largest distance of one of its nodes from its centre.</summary>
        public float[] Radii { get; }

        /// <summary>The centres feature-major, sixteen panels to two vectors (feature f of panel g at
        /// <c>f·S + g</c>, S = <see cref="CenterNorms"/>' length), zeros beyond the last panel.</summary>
        public float[] CenterPlanes { get; }

        /// <summary>‖c‖² per panel (the float32 sum of squares, in feature order).</summary>
        public float[] CenterNorms { get; }

        /// <summary>The largest ‖w‖² of a real node.</summary>
        public float MaxNorm { get; }

        public float[] Codebook { get; }

        public int Dim { get; }

        /// <summary>Whether the layout (and so the search) is for 512-bit vectors.</summary>
        public bool Wide { get; }

        /// <summary>Nodes per panel: those of one tile.</summary>
        public int Panel { get; }

        public int Nodes { get; }

        public int Padded { get; }

        /// <summary>The panels, from a 64-byte boundary (<see cref="AlignedBuffer"/>), so that no
        /// vector load of them straddles two cache lines.</summary>
        public Memory<float> Planes { get; }

        /// <summary>‖w‖² per node, padding included, from a 64-byte boundary.</summary>
        public Memory<float> Norms { get; }
    }

    /// <summary>The 256-bit tile's share of a node block's planes fits this many bytes: well inside a
    /// 32 KiB L1 data cache (AMD Zen 3), leaving room for the rows passing through.</summary>
    private const int BlockBytes = 20 * 1024;

    /// <summary>Planes of a 512-bit node block fit this many bytes (most of a 48 KiB L1 data
    /// cache, as on the AVX-512 Xeons).</summary>
    private const int WideBlockBytes = 32 * 1024;

    /// <summary>
    /// The BMU of each row of <paramref name="rows"/> (row-major, <c>Dim</c> floats each). The
    /// codebook is walked in blocks of nodes whose planes fit the L1 cache, and every row of the call
    /// meets a block before the next block is loaded: each loaded weight serves all the rows, not four.
    /// Each row's running top two lives in <c>state</c> between blocks.
    /// </summary>
    /// <remarks>
    /// With <paramref name="hints"/> (any node per row; the batch map gives each row's BMU of the
    /// epoch before), a row's BMU is no farther than its hint, ‖x − w_hint‖ = U. The rows are taken
    /// in the order of their hints, so a tile's four rows lie near each other, and a panel is passed
    /// over for a tile when the triangle inequality puts all its nodes farther than U for each of the
    /// tile's rows: ‖x − c‖ − r &gt; U, with c and r the panel's centre and radius
    /// (the mean of its nodes, <see cref="Prepared.CenterPlanes"/>, and <see cref="Prepared.Radii"/>), each distance taken 10⁻⁴ to
    /// the cautious side (far above float32's rounding of them). A passed-over node is then
    /// strictly farther than the BMU, so the answers are those without hints, whatever the hints.
    /// </remarks>
    /// <param name="w">The prepared codebook.</param>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="bmus">Receives one node index per row.</param>
    /// <param name="hints">Empty, or a node per row (may be <paramref name="bmus"/> itself: they are
    /// read before any answer is written).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FindBest(Prepared w, ReadOnlySpan<float> rows, Span<int> bmus, ReadOnlySpan<int> hints = default)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        Debug.Assert(bmus.Length >= n && (hints.IsEmpty || hints.Length >= n));
        var state = Sweep(w, rows, hints, out var lanes, out var order);
        for (var p = 0; p < n; p++)
        {
            var r = order.IsEmpty ? p : order[p];
            var row = state.Slice(p * 4 * lanes, 4 * lanes);
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
    public static void FindBestTwo(Prepared w, ReadOnlySpan<float> rows, Span<int> best, Span<int> second, Span<float> bestDistanceSquared)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        Debug.Assert(w.Nodes >= 2 && best.Length >= n && second.Length >= n && bestDistanceSquared.Length >= n);
        var state = Sweep(w, rows, [], out var lanes, out _);
        for (var r = 0; r < n; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            (best[r], bestDistanceSquared[r], second[r]) = ResolveTwo(w, rows.Slice(r * dim, dim), row[..lanes], row[lanes..(2 * lanes)],
                MemoryMarshal.Cast<float, int>(row[(2 * lanes)..(3 * lanes)]), MemoryMarshal.Cast<float, int>(row[(3 * lanes)..]));
        }
    }

    /// <summary>Runs the blocked walk for the rows and returns their state: per row, the lanes' best
    /// and second score and their indices, <paramref name="lanes"/> floats each.</summary>
    /// <param name="w">The prepared codebook.</param>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="hints">Empty, or a node per row: see <see cref="FindBest"/>.</param>
    /// <param name="lanes">Receives the lanes per field of a row's state: 16 at 512 bits; at 256, 24,
    /// a top two for each of a panel's three vectors apart (each lane sees every 24th node, so a lane
    /// that may have dropped a third near node, and is measured node by node, is a 24th of the nodes;
    /// on a trained map, whose neighbours are all near, that is common).</param>
    /// <param name="order">Receives the row at each position of the state (empty: the rows' own
    /// order).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<float> Sweep(Prepared w, ReadOnlySpan<float> rows, ReadOnlySpan<int> hints, out int lanes, out ReadOnlySpan<int> order)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        lanes = w.Wide ? WideLanes : 3 * Lanes;
        order = [];
        if (n == 0)
        {
            return [];
        }

        if (!hints.IsEmpty)
        {
            var sorted = ThreadBuffer(ref _threadOrder, 2 * n);
            var keys = sorted[n..];
            hints[..n].CopyTo(keys);
            for (var r = 0; r < n; r++)
            {
                sorted[r] = r;
            }

            keys.Sort(sorted[..n]);
            order = sorted[..n];
        }

        // The rows packed four at a time, feature-major (row 4t's feature f, then row 4t + 1's, …, at
        // (t·dim + f)·4), so that a tile reads its four broadcasts from one place; the last tile is
        // topped up with copies of the last row (their answers are dropped). Every row's own
        // arithmetic is the same as in a full tile.
        var tiles = (n + RowTile - 1) / RowTile;
        var packed = ThreadBuffer(ref _threadRows, tiles * RowTile * dim);
        ref var source = ref MemoryMarshal.GetReference(rows);
        for (var t = 0; t < tiles; t++)
        {
            ref var tile = ref packed[t * RowTile * dim];
            ref var r0 = ref Unsafe.Add(ref source, RowOf(order, t * RowTile, n) * dim);
            ref var r1 = ref Unsafe.Add(ref source, RowOf(order, (t * RowTile) + 1, n) * dim);
            ref var r2 = ref Unsafe.Add(ref source, RowOf(order, (t * RowTile) + 2, n) * dim);
            ref var r3 = ref Unsafe.Add(ref source, RowOf(order, (t * RowTile) + 3, n) * dim);
            for (var f = 0; f < dim; f++)
            {
                ref var at = ref Unsafe.Add(ref tile, f * RowTile);
                at = Unsafe.Add(ref r0, f);
                Unsafe.Add(ref at, 1) = Unsafe.Add(ref r1, f);
                Unsafe.Add(ref at, 2) = Unsafe.Add(ref r2, f);
                Unsafe.Add(ref at, 3) = Unsafe.Add(ref r3, f);
            }
        }

        var state = ThreadBuffer(ref _threadState, tiles * RowTile * 4 * lanes);
        var visit = hints.IsEmpty ? [] : Visits(w, rows, hints, order, tiles);
        Run(w, packed, state, tiles, lanes, visit);
        return state;
    }

    /// <summary>The row at position <paramref name="p"/> of the packed order (the last row for the
    /// top-up positions past <paramref name="n"/>).</summary>
    private static int RowOf(ReadOnlySpan<int> order, int p, int n)
    {
        var at = Math.Min(p, n - 1);
        return order.IsEmpty ? at : order[at];
    }

    /// <summary>Relative caution of the pruning's distances (see <see cref="FindBest"/>).</summary>
    private const float Caution = 1e-4f;

    /// <summary>Per tile and panel, whether the tile must visit the panel (1) or may pass it over
    /// (0): see <see cref="FindBest"/>.</summary>
    private static ReadOnlySpan<byte> Visits(Prepared w, ReadOnlySpan<float> rows, ReadOnlySpan<int> hints, ReadOnlySpan<int> order, int tiles)
    {
        var dim = w.Dim;
        var n = order.Length;
        var panels = w.Padded / w.Panel;
        var stride = w.CenterNorms.Length;
        var visit = ThreadBuffer(ref _threadVisits, tiles * panels);
        visit.Clear();
        Span<float> dots = stride <= 1024 ? stackalloc float[stride] : new float[stride];
        for (var p = 0; p < n; p++)
        {
            var r = order[p];
            var hint = hints[r];
            var x = rows.Slice(r * dim, dim);
            var tileVisits = visit.Slice(p / RowTile * panels, panels);
            if (hint < 0 || hint >= w.Nodes)
            {
                tileVisits.Fill(1);
                continue;
            }

            var reach = MathF.Sqrt(SquaredDistance.Compute(w.Codebook.AsSpan(hint * dim, dim), x)) * (1 + Caution);

            // ‖x − c‖² = ‖x‖² − 2x·c + ‖c‖² for every panel, less its rounding bound (the
            // blocked search's, four times over), so that the distance is never overstated.
            CentreDots(w, x, dots);
            var xx = TensorPrimitives.SumOfSquares(x);
            for (var g = 0; g < panels; g++)
            {
                var cc = w.CenterNorms[g];
                var d2 = xx - (2 * dots[g]) + cc - ((dim + 2) * (1f / (1 << 20)) * (xx + cc));
                var gap = (MathF.Sqrt(Math.Max(0f, d2)) * (1 - Caution)) - (w.Radii[g] * (1 + Caution));
                if (gap <= reach)
                {
                    tileVisits[g] = 1;
                }
            }
        }

        return visit;
    }

    /// <summary>x·c for every panel centre c, sixteen panels (two vectors) at a time, each in four
    /// partial sums over the features (f mod 4) so that eight multiply-add chains run side by side.
    /// Its rounding is within the bound <see cref="Visits"/> takes off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CentreDots(Prepared w, ReadOnlySpan<float> x, Span<float> dots)
    {
        var stride = dots.Length;
        var dim = x.Length;
        ref var planes = ref MemoryMarshal.GetArrayDataReference(w.CenterPlanes);
        ref var first = ref MemoryMarshal.GetReference(x);
        for (var g = 0; g < stride; g += 2 * Lanes)
        {
            Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default, c0 = default, c1 = default, d0 = default, d1 = default;
            ref var column = ref Unsafe.Add(ref planes, g);
            var f = 0;
            for (; f + 4 <= dim; f += 4)
            {
                ref var at = ref Unsafe.Add(ref column, f * stride);
                var x0 = Vector256.Create(Unsafe.Add(ref first, f));
                a0 = Vector256.MultiplyAddEstimate(x0, Vector256.LoadUnsafe(ref at), a0);
                a1 = Vector256.MultiplyAddEstimate(x0, Vector256.LoadUnsafe(ref at, Lanes), a1);
                var x1 = Vector256.Create(Unsafe.Add(ref first, f + 1));
                b0 = Vector256.MultiplyAddEstimate(x1, Vector256.LoadUnsafe(ref at, (nuint)stride), b0);
                b1 = Vector256.MultiplyAddEstimate(x1, Vector256.LoadUnsafe(ref at, (nuint)(stride + Lanes)), b1);
                var x2 = Vector256.Create(Unsafe.Add(ref first, f + 2));
                c0 = Vector256.MultiplyAddEstimate(x2, Vector256.LoadUnsafe(ref at, (nuint)(2 * stride)), c0);
                c1 = Vector256.MultiplyAddEstimate(x2, Vector256.LoadUnsafe(ref at, (nuint)((2 * stride) + Lanes)), c1);
                var x3 = Vector256.Create(Unsafe.Add(ref first, f + 3));
                d0 = Vector256.MultiplyAddEstimate(x3, Vector256.LoadUnsafe(ref at, (nuint)(3 * stride)), d0);
                d1 = Vector256.MultiplyAddEstimate(x3, Vector256.LoadUnsafe(ref at, (nuint)((3 * stride) + Lanes)), d1);
            }

            for (; f < dim; f++)
            {
                ref var at = ref Unsafe.Add(ref column, f * stride);
                var xf = Vector256.Create(Unsafe.Add(ref first, f));
                a0 = Vector256.MultiplyAddEstimate(xf, Vector256.LoadUnsafe(ref at), a0);
                a1 = Vector256.MultiplyAddEstimate(xf, Vector256.LoadUnsafe(ref at, Lanes), a1);
            }

            ((a0 + b0) + (c0 + d0)).CopyTo(dots[g..]);
            ((a1 + b1) + (c1 + d1)).CopyTo(dots[(g + Lanes)..]);
        }
    }

    /// <summary>This thread's buffer of <paramref name="length"/> floats: pinned, kept between calls
    /// (a call per 256-row chunk would otherwise allocate its packed rows and 64 KiB of state each
    /// time) and starting on a 64-byte boundary. Vectors that straddle two cache lines made every load
    /// and store of the row state a split one, and the tile's updates of it, back to back, twice as
    /// slow as its multiply-adds (0.44 against 0.24 s for 100,000 × 64 rows against 1,600 nodes on one
    /// thread).</summary>
    private static Span<float> ThreadBuffer(ref Memory<float> buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = AlignedBuffer.Allocate(length);
        }

        return buffer.Span[..length];
    }

    /// <summary>This thread's buffer of <paramref name="length"/> values, kept between calls.</summary>
    private static Span<T> ThreadBuffer<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer.AsSpan(0, length);
    }

    [ThreadStatic]
    private static Memory<float> _threadState;

    [ThreadStatic]
    private static Memory<float> _threadRows;

    [ThreadStatic]
    private static Memory<float> _threadPartial;

    [ThreadStatic]
    private static int[]? _threadOrder;

    [ThreadStatic]
    private static byte[]? _threadVisits;

    /// <summary>The blocked walk over the nodes, into the row state given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(Prepared w, ReadOnlySpan<float> packed, Span<float> state, int tiles, int lanes, ReadOnlySpan<byte> visit)
    {
        var dim = w.Dim;
        for (var r = 0; r < tiles * RowTile; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            row[..(2 * lanes)].Fill(float.PositiveInfinity);
            MemoryMarshal.Cast<float, int>(row[(2 * lanes)..]).Fill(-1);
        }

        if (w.Wide)
        {
            var wideBlock = Math.Max(w.Panel, WideBlockBytes / (4 * dim) / w.Panel * w.Panel);
            Span<int> widePanels = stackalloc int[wideBlock / w.Panel];
            for (var kb = 0; kb < w.Padded; kb += wideBlock)
            {
                var kEnd = Math.Min(w.Padded, kb + wideBlock);
                for (var t = 0; t < tiles; t++)
                {
                    var starts = Visited(w, visit, t, kb, kEnd, widePanels);
                    if (!starts.IsEmpty)
                    {
                        WideTile(w, packed.Slice(t * RowTile * dim, RowTile * dim), starts, state.Slice(t * RowTile * 4 * lanes, RowTile * 4 * lanes));
                    }
                }
            }

            return;
        }

        // 256-bit: the features in as few equal blocks as keep a panel's share of them within the
        // block size, so that it stays in the L1 cache while every tile of rows passes over it (a
        // 24-node panel of 300 features is 28.8 KB, and the rows' share comes on top). A tile's dot
        // products are carried from one feature block to the next in memory, the same chains.
        var featureBlocks = (dim + (BlockBytes / (4 * w.Panel)) - 1) / (BlockBytes / (4 * w.Panel));
        var features = (dim + featureBlocks - 1) / featureBlocks;
        var nodeBlock = Math.Max(w.Panel, BlockBytes / (4 * features) / w.Panel * w.Panel);
        var partialStride = nodeBlock / w.Panel * TileAccumulators * Lanes;
        var partial = featureBlocks > 1 ? ThreadBuffer(ref _threadPartial, tiles * partialStride) : [];
        Span<int> panels = stackalloc int[nodeBlock / w.Panel];
        for (var kb = 0; kb < w.Padded; kb += nodeBlock)
        {
            var kEnd = Math.Min(w.Padded, kb + nodeBlock);
            for (var f0 = 0; f0 < dim; f0 += features)
            {
                var f1 = Math.Min(dim, f0 + features);
                for (var t = 0; t < tiles; t++)
                {
                    var starts = Visited(w, visit, t, kb, kEnd, panels);
                    if (starts.IsEmpty)
                    {
                        continue;
                    }

                    Tile(w, packed.Slice(t * RowTile * dim, RowTile * dim), kb, starts, f0, f1,
                        state.Slice(t * RowTile * 4 * lanes, RowTile * 4 * lanes), featureBlocks > 1 ? partial.Slice(t * partialStride, partialStride) : []);
                }
            }
        }
    }

    /// <summary>The first slots of the panels in [kb, kEnd) that tile <paramref name="t"/> visits
    /// (all of them without <paramref name="visit"/>), into <paramref name="starts"/>.</summary>
    private static ReadOnlySpan<int> Visited(Prepared w, ReadOnlySpan<byte> visit, int t, int kb, int kEnd, Span<int> starts)
    {
        var panels = w.Padded / w.Panel;
        var count = 0;
        for (var k0 = kb; k0 < kEnd; k0 += w.Panel)
        {
            if (visit.IsEmpty || visit[(t * panels) + (k0 / w.Panel)] != 0)
            {
                starts[count++] = k0;
            }
        }

        return starts[..count];
    }

    /// <summary>Accumulators of the 256-bit tile: 4 rows × 3 vectors.</summary>
    private const int TileAccumulators = RowTile * 3;

    /// <summary>
    /// Four rows (packed, feature-major) against the panels starting at <paramref name="starts"/> (in
    /// the node block from <paramref name="kb"/>), 4 rows × 24 nodes in twelve 256-bit accumulators,
    /// over features [f0, f1). Eight chains are exactly the latency × throughput of Zen 3's two
    /// pipes; in that machine's slow phases an 8-accumulator tile ran at 33–37 G/s from L1 where
    /// this one ran at 35–40. A block that does not end the features leaves its dot products in
    /// <paramref name="partial"/> (12 vectors per panel), and the next one takes them up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(Prepared w, ReadOnlySpan<float> block, int kb, ReadOnlySpan<int> starts, int f0, int f1, Span<float> state, Span<float> partial)
    {
        var dim = w.Dim;
        Debug.Assert(state.Length == RowTile * 4 * 3 * Lanes && block.Length == RowTile * dim);
        ref var planes = ref MemoryMarshal.GetReference(w.Planes.Span);
        ref var norms = ref MemoryMarshal.GetReference(w.Norms.Span);
        ref var first = ref Unsafe.Add(ref MemoryMarshal.GetReference(block), f0 * RowTile);
        ref var end = ref Unsafe.Add(ref MemoryMarshal.GetReference(block), f1 * RowTile);
        // state: per row, best | second | best index | second index, one vector each.
        var rows = MemoryMarshal.Cast<float, Vector256<float>>(state);
        var carried = MemoryMarshal.Cast<float, Vector256<float>>(partial);
        ref var ids = ref MemoryMarshal.GetArrayDataReference(w.Ids);
        var minusTwo = Vector256.Create(-2f);

        foreach (var k0 in starts)
        {
            Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
            Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
            var at = (k0 - kb) / (3 * Lanes) * TileAccumulators;
            if (f0 > 0)
            {
                (a00, a01, a02, a10, a11, a12) = (carried[at], carried[at + 1], carried[at + 2], carried[at + 3], carried[at + 4], carried[at + 5]);
                (a20, a21, a22, a30, a31, a32) = (carried[at + 6], carried[at + 7], carried[at + 8], carried[at + 9], carried[at + 10], carried[at + 11]);
            }

            // One panel: its weights advance by one panel row (24 nodes) per feature, the rows by
            // four floats.
            ref var p = ref Unsafe.Add(ref planes, (k0 * dim) + (f0 * 3 * Lanes));
            for (ref var x = ref first; Unsafe.IsAddressLessThan(ref x, ref end); x = ref Unsafe.Add(ref x, RowTile))
            {
                var p0 = Vector256.LoadUnsafe(ref p);
                var p1 = Vector256.LoadUnsafe(ref p, Lanes);
                var p2 = Vector256.LoadUnsafe(ref p, 2 * Lanes);
                var xi = Vector256.Create(x);
                a00 = Vector256.MultiplyAddEstimate(xi, p0, a00);
                a01 = Vector256.MultiplyAddEstimate(xi, p1, a01);
                a02 = Vector256.MultiplyAddEstimate(xi, p2, a02);
                xi = Vector256.Create(Unsafe.Add(ref x, 1));
                a10 = Vector256.MultiplyAddEstimate(xi, p0, a10);
                a11 = Vector256.MultiplyAddEstimate(xi, p1, a11);
                a12 = Vector256.MultiplyAddEstimate(xi, p2, a12);
                xi = Vector256.Create(Unsafe.Add(ref x, 2));
                a20 = Vector256.MultiplyAddEstimate(xi, p0, a20);
                a21 = Vector256.MultiplyAddEstimate(xi, p1, a21);
                a22 = Vector256.MultiplyAddEstimate(xi, p2, a22);
                xi = Vector256.Create(Unsafe.Add(ref x, 3));
                a30 = Vector256.MultiplyAddEstimate(xi, p0, a30);
                a31 = Vector256.MultiplyAddEstimate(xi, p1, a31);
                a32 = Vector256.MultiplyAddEstimate(xi, p2, a32);
                p = ref Unsafe.Add(ref p, 3 * Lanes);
            }

            if (f1 < dim)
            {
                (carried[at], carried[at + 1], carried[at + 2], carried[at + 3], carried[at + 4], carried[at + 5]) = (a00, a01, a02, a10, a11, a12);
                (carried[at + 6], carried[at + 7], carried[at + 8], carried[at + 9], carried[at + 10], carried[at + 11]) = (a20, a21, a22, a30, a31, a32);
                continue;
            }

            // score = ‖w‖² − 2·x·w, then keep the two least per lane.
            var n0 = Vector256.LoadUnsafe(ref norms, (nuint)k0);
            var n1 = Vector256.LoadUnsafe(ref norms, (nuint)(k0 + Lanes));
            var n2 = Vector256.LoadUnsafe(ref norms, (nuint)(k0 + (2 * Lanes)));
            var i0 = Vector256.LoadUnsafe(ref ids, (nuint)k0);
            var i1 = Vector256.LoadUnsafe(ref ids, (nuint)(k0 + Lanes));
            var i2 = Vector256.LoadUnsafe(ref ids, (nuint)(k0 + (2 * Lanes)));
            // Each row's state is twelve vectors: the three vectors' best, second, best index and
            // second index.
            Keep(ref rows[0], Vector256.MultiplyAddEstimate(minusTwo, a00, n0), Vector256.MultiplyAddEstimate(minusTwo, a01, n1), Vector256.MultiplyAddEstimate(minusTwo, a02, n2), i0, i1, i2);
            Keep(ref rows[12], Vector256.MultiplyAddEstimate(minusTwo, a10, n0), Vector256.MultiplyAddEstimate(minusTwo, a11, n1), Vector256.MultiplyAddEstimate(minusTwo, a12, n2), i0, i1, i2);
            Keep(ref rows[24], Vector256.MultiplyAddEstimate(minusTwo, a20, n0), Vector256.MultiplyAddEstimate(minusTwo, a21, n1), Vector256.MultiplyAddEstimate(minusTwo, a22, n2), i0, i1, i2);
            Keep(ref rows[36], Vector256.MultiplyAddEstimate(minusTwo, a30, n0), Vector256.MultiplyAddEstimate(minusTwo, a31, n1), Vector256.MultiplyAddEstimate(minusTwo, a32, n2), i0, i1, i2);
        }
    }

    /// <summary>The same tile with 512-bit vectors: 4 rows × 32 nodes in eight 16-lane accumulators,
    /// against the panels starting at <paramref name="starts"/>. Each score is the same multiply-add
    /// chain as in <see cref="Tile"/>, only more of them at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTile(Prepared w, ReadOnlySpan<float> block, ReadOnlySpan<int> starts, Span<float> state)
    {
        var dim = w.Dim;
        Debug.Assert(state.Length == RowTile * 4 * WideLanes && block.Length == RowTile * dim);
        ref var planes = ref MemoryMarshal.GetReference(w.Planes.Span);
        ref var norms = ref MemoryMarshal.GetReference(w.Norms.Span);
        ref var first = ref MemoryMarshal.GetReference(block);
        ref var end = ref Unsafe.Add(ref first, RowTile * dim);
        var rows = MemoryMarshal.Cast<float, Vector512<float>>(state);
        ref var ids = ref MemoryMarshal.GetArrayDataReference(w.Ids);
        var minusTwo = Vector512.Create(-2f);
        // The four rows' state in registers for the whole block.
        Vector512<float> b0 = rows[0], s0 = rows[1], b1 = rows[4], s1 = rows[5], b2 = rows[8], s2 = rows[9], b3 = rows[12], s3 = rows[13];
        Vector512<int> bi0 = rows[2].AsInt32(), si0 = rows[3].AsInt32(), bi1 = rows[6].AsInt32(), si1 = rows[7].AsInt32();
        Vector512<int> bi2 = rows[10].AsInt32(), si2 = rows[11].AsInt32(), bi3 = rows[14].AsInt32(), si3 = rows[15].AsInt32();

        foreach (var k0 in starts)
        {
            Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
            // One panel: its weights advance by one panel row (32 nodes) per feature, the rows by
            // four floats.
            ref var p = ref Unsafe.Add(ref planes, k0 * dim);
            for (ref var x = ref first; Unsafe.IsAddressLessThan(ref x, ref end); x = ref Unsafe.Add(ref x, RowTile))
            {
                var p0 = Vector512.LoadUnsafe(ref p);
                var p1 = Vector512.LoadUnsafe(ref p, WideLanes);
                var x0 = Vector512.Create(x);
                var x1 = Vector512.Create(Unsafe.Add(ref x, 1));
                var x2 = Vector512.Create(Unsafe.Add(ref x, 2));
                var x3 = Vector512.Create(Unsafe.Add(ref x, 3));
                a00 = Vector512.MultiplyAddEstimate(x0, p0, a00);
                a01 = Vector512.MultiplyAddEstimate(x0, p1, a01);
                a10 = Vector512.MultiplyAddEstimate(x1, p0, a10);
                a11 = Vector512.MultiplyAddEstimate(x1, p1, a11);
                a20 = Vector512.MultiplyAddEstimate(x2, p0, a20);
                a21 = Vector512.MultiplyAddEstimate(x2, p1, a21);
                a30 = Vector512.MultiplyAddEstimate(x3, p0, a30);
                a31 = Vector512.MultiplyAddEstimate(x3, p1, a31);
                p = ref Unsafe.Add(ref p, 2 * WideLanes);
            }

            var n0 = Vector512.LoadUnsafe(ref norms, (nuint)k0);
            var n1 = Vector512.LoadUnsafe(ref norms, (nuint)(k0 + WideLanes));
            var i0 = Vector512.LoadUnsafe(ref ids, (nuint)k0);
            var i1 = Vector512.LoadUnsafe(ref ids, (nuint)(k0 + WideLanes));
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

    /// <summary>One 512-bit vector of scores into the lanes' top two: a score below the best pushes
    /// the best down to second, ties keep the node seen first (<see cref="OfferLanes"/> at 256 bits).</summary>
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

    /// <summary>
    /// The scores of a panel's three vectors of nodes (their node indices <paramref name="i0"/>,
    /// <paramref name="i1"/>, <paramref name="i2"/>) into one row's lane-wise top twos, a top two for
    /// each vector apart: the row's state is twelve vectors from <paramref name="state"/>, the three
    /// vectors' best, then their second, best index and second index (24 lanes per field).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(ref Vector256<float> state, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<int> i0, Vector256<int> i1, Vector256<int> i2)
    {
        KeepOne(ref state, s0, i0);
        KeepOne(ref Unsafe.Add(ref state, 1), s1, i1);
        KeepOne(ref Unsafe.Add(ref state, 2), s2, i2);
    }

    /// <summary>One vector of scores into its own lanes' top two, whose four fields lie three
    /// vectors apart from <paramref name="state"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeepOne(ref Vector256<float> state, Vector256<float> score, Vector256<int> index)
    {
        var best = state;
        var second = Unsafe.Add(ref state, 3);
        var bestIndex = Unsafe.Add(ref state, 6).AsInt32();
        var secondIndex = Unsafe.Add(ref state, 9).AsInt32();
        OfferLanes(ref best, ref second, ref bestIndex, ref secondIndex, score, index);
        state = best;
        Unsafe.Add(ref state, 3) = second;
        Unsafe.Add(ref state, 6) = bestIndex.AsSingle();
        Unsafe.Add(ref state, 9) = secondIndex.AsSingle();
    }

    /// <summary>One vector of scores into the lanes' top two. The values by vminps/vmaxps (second
    /// = min(second, max(best, score)) is the select it replaces: scores are never NaN), the
    /// indices by blends on the strict comparisons, so ties keep the earlier node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OfferLanes(ref Vector256<float> best, ref Vector256<float> second, ref Vector256<int> bestIndex, ref Vector256<int> secondIndex, Vector256<float> score, Vector256<int> index)
    {
        var belowBest = Vector256.LessThan(score, best).AsInt32();
        var belowSecond = Vector256.LessThan(score, second).AsInt32();
        secondIndex = Select(belowBest, bestIndex, Select(belowSecond, index, secondIndex));
        bestIndex = Select(belowBest, index, bestIndex);
        second = Vector256.MinNative(second, Vector256.MaxNative(best, score));
        best = Vector256.MinNative(best, score);
    }

    /// <summary>Lanes of <paramref name="yes"/> where the mask (all ones or all zeros per lane) is
    /// set, else of <paramref name="no"/>: one vblendvps where AVX has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Select(Vector256<int> mask, Vector256<int> yes, Vector256<int> no) =>
        Avx.IsSupported ? Avx.BlendVariable(no.AsSingle(), yes.AsSingle(), mask.AsSingle()).AsInt32() : Vector256.ConditionalSelect(mask, yes, no);

    /// <summary>
    /// The exact BMU of one row from its lanes' top twos: the best score's node, unless another
    /// node's score is within the rounding bound of it. A score s = ‖w‖² − 2x·w is off the exact
    /// d − ‖x‖² by at most (dim + 2)·2⁻²⁴·(‖x‖² + ‖w‖²) (each of the dim products and the sums carries
    /// up to one unit of 2⁻²⁴ of ‖x‖² + ‖w‖², as |x·w| ≤ (‖x‖² + ‖w‖²)/2); taken four times over
    /// (2⁻²² per operation, which also covers the rounding of ‖x‖² summed in vectors, in any order), a
    /// node whose score is above limit = b + (dim + 2)·2⁻²²·(2‖x‖² + ‖w_b‖² + max ‖w‖²) is farther than
    /// the best one. When some other kept score is at or below the limit, every candidate there is
    /// measured exactly, and so is every node of a lane whose second place is there too (the lane may
    /// have dropped a third): the least exact distance wins, ties to the lower index, as in the scan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        var dim = w.Dim;
        var xx = TensorPrimitives.SumOfSquares(x);
        var limit = b + ((dim + 2) * (1f / (1 << 22)) * ((2 * xx) + w.Norms.Span[bi] + w.MaxNorm));
        if (s > limit)
        {
            return bi;
        }

        var top = ExactTopTwo.Empty;
        MeasureCandidates(w, x, limit, best, second, bestIndex, secondIndex, ref top);
        return top.First;
    }

    /// <summary>Offers the exact distance of every kept candidate whose score is at or below
    /// <paramref name="limit"/>, and of every node of a lane whose second place is (lane l saw the
    /// nodes at slots l, l + lanes, l + 2·lanes, … and kept its two least scores).</summary>
    private static void MeasureCandidates(Prepared w, ReadOnlySpan<float> x, double limit, ReadOnlySpan<float> best, ReadOnlySpan<float> second,
        ReadOnlySpan<int> bestIndex, ReadOnlySpan<int> secondIndex, ref ExactTopTwo top)
    {
        var dim = w.Dim;
        var lanes = best.Length;
        for (var l = 0; l < lanes; l++)
        {
            if (secondIndex[l] >= 0 && second[l] <= limit)
            {
                for (var slot = l; slot < w.Padded; slot += lanes)
                {
                    if (w.Ids[slot] is var k and >= 0)
                    {
                        top.Offer(k, SquaredDistance.Compute(w.Codebook.AsSpan(k * dim, dim), x));
                    }
                }
            }
            else if (bestIndex[l] >= 0 && best[l] <= limit)
            {
                top.Offer(bestIndex[l], SquaredDistance.Compute(w.Codebook.AsSpan(bestIndex[l] * dim, dim), x));
            }
        }
    }

    /// <summary>
    /// The exact top two of one row from its lanes' top twos (see <see cref="FindBestTwo"/>). A score
    /// s = ‖w‖² − 2x·w is off the exact d − ‖x‖² by at most e = (dim + 2)·2⁻²²·(‖x‖² + max ‖w‖²).
    /// A node whose score is above s₂ + 2e (s₂ the second least score) is farther than the node of
    /// score s₂, so the exact top two are among the kept candidates at or below that limit, and among
    /// all the nodes of a lane whose second place is at or below it too (the lane may have dropped a
    /// third): those lanes are measured node by node.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        double xx = TensorPrimitives.SumOfSquares(x); // summed in vectors: see the margin in Resolve
        var limit = s2 + (2 * (dim + 2) * (1.0 / (1 << 22)) * (xx + w.MaxNorm));
        var top = ExactTopTwo.Empty;
        MeasureCandidates(w, x, limit, best, second, bestIndex, secondIndex, ref top);
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
