// The blocked search's walk: rows packed four at a time, the codebook in blocks that stay in the L1
// cache, every tile of rows against every panel it must visit. Tuning, safe to touch: the block sizes
// and the order of the walk change the speed only, as long as every visited panel's scores reach
// the rows' state (each score is the same multiply-add chain over the features in order).
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (every row's BMU and top two against the
// node-by-node scan, near ties, hints of every kind, both widths) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal static partial class BlockedBmuSearch
{
    /// <summary>The 256-bit tile's share of a node block's planes fits this many bytes: well inside a
    /// 32 KiB L1 data cache (AMD Zen 3), leaving room for the rows passing through.</summary>
    private const int BlockBytes = 20 * 1024;

    /// <summary>Planes of a 512-bit node block fit this many bytes (most of a 48 KiB L1 data
    /// cache, as on the AVX-512 Xeons).</summary>
    private const int WideBlockBytes = 32 * 1024;

    /// <summary>Runs the blocked walk for the rows and returns their state: per row, the lanes' best
    /// and second score and their indices, <paramref name="lanes"/> floats each.</summary>
    /// <param name="w">The prepared codebook.</param>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="hints">Empty, or a node per row: see <see cref="FindBest"/>.</param>
    /// <param name="norms">Empty, or ‖x‖² per row (<see cref="RowNorm"/>).</param>
    /// <param name="lanes">Receives the lanes per field of a row's state: 16 at 512 bits; at 256, 24,
    /// a top two for each of a panel's three vectors apart (each lane sees every 24th node, so a lane
    /// that may have dropped a third near node, and is measured node by node, is a 24th of the nodes;
    /// on a trained map, whose neighbours are all near, that is common).</param>
    /// <param name="order">Receives the row at each position of the state (empty: the rows' own
    /// order).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<float> Sweep(Prepared w, ReadOnlySpan<float> rows, ReadOnlySpan<int> hints, ReadOnlySpan<float> norms, out int lanes, out ReadOnlySpan<int> order)
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
        var visit = hints.IsEmpty ? [] : Visits(w, rows, hints, norms, order, tiles);
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

    /// <summary>This thread's buffer of <paramref name="length"/> floats: pinned, kept between calls
    /// (a call per 256-row chunk would otherwise allocate its packed rows and 64 KiB of state each
    /// time) and starting on a 64-byte boundary: a vector that straddles two cache lines makes every
    /// load and store of the row state a split one, and the tile's updates of it, back to back, become
    /// slower than its multiply-adds.</summary>
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
        // Each row's state: no best and second score yet (+∞), no node (−1). Stored here rather than by
        // Span.Fill, whose generic code ran unoptimised through a short training.
        ref var start = ref MemoryMarshal.GetReference(state);
        var none = Vector128.Create(-1).AsSingle();
        var infinity = Vector128.Create(float.PositiveInfinity);
        for (var r = 0; r < tiles * RowTile; r++)
        {
            ref var row = ref Unsafe.Add(ref start, r * 4 * lanes);
            for (var j = 0; j < 2 * lanes; j += Vector128<float>.Count)
            {
                infinity.StoreUnsafe(ref row, (nuint)j);
                none.StoreUnsafe(ref row, (nuint)((2 * lanes) + j));
            }
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
}
