// The blocked BMU search of rows with missing values (NaN): the entry point and the walk.
// Guarantees: for every row with at least one present value, the BMU of the masked node-by-node scan
// (MaskedSearch.FindBest: the least MaskedDistance.Compute, ties to the lowest index), whatever the
// hints, the vector width, the blocking and the number of threads.
// Held by: tests/Kohonen.Tests/Kernels/MaskedBlockedSearchTests.cs (every row's BMU against a plain
// masked scan written in the test: random masks, one present value, near ties and exact ties, hints
// of every kind, both widths) and Training/MissingValuesTrainingTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'
// Correctness lives in the exact resolution and the panel skipping (MaskedBlockedSearch.Resolve.cs);
// the walk and the register tiles (MaskedBlockedSearch.Tiles.cs) are tuning.

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kohonen.Kernels;

/// <summary>
/// BMUs of many rows with missing values at once, on the blocked search's codebook layout
/// (<see cref="BlockedBmuSearch.Prepared"/>). With P the present features of a row x, M the missing
/// ones and x̃ the row with its holes set to 0, the masked squared distance to a node w is
/// Σ_P (x − w)² = Σ_P x² + ‖w‖² − Σ_M w² − 2·x̃·w, and Σ_P x² is the same for every node, so the
/// BMU is the node of least score ‖w‖² − 2·(x̃·w + ½·Σ_M w²). The dot product x̃·w is the complete
/// search's register tile on the zero-filled rows; the missing features' ½·w² start the tile's
/// accumulators (a handful of terms per row when few values are missing).
/// </summary>
/// <remarks>
/// The expansion cancels digits: nodes whose scores are within the rounding bound of the best are
/// decided by their masked distances (<see cref="MaskedDistance.Compute"/>, the scan's own), ties to
/// the lower index, and so is every node of a lane that may have dropped a third such node, so the
/// answer is the masked scan's (<see cref="Resolve"/>). With hints (last epoch's BMUs) a tile of rows
/// passes over the panels whose nodes are all farther than each row's hint over the row's present
/// features (<see cref="Visits"/>).
/// </remarks>
internal static partial class MaskedBlockedSearch
{
    private const int Lanes = 8;
    private const int WideLanes = 16;
    private const int RowTile = 4;

    /// <summary>A 256-bit node block's planes fit this many bytes (in the L1 data cache).</summary>
    private const int BlockBytes = 20 * 1024;

    /// <summary>A 512-bit node block's planes fit this many bytes.</summary>
    private const int WideBlockBytes = 32 * 1024;

    /// <summary>
    /// The BMU over its present features of each row of <paramref name="rows"/> (row-major,
    /// <c>Dim</c> floats each, NaN where missing; every row has at least one present value).
    /// </summary>
    /// <param name="w">The prepared codebook.</param>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="bmus">Receives one node index per row.</param>
    /// <param name="hints">Empty, or a node per row (any value; may be <paramref name="bmus"/> itself:
    /// they are read before any answer is written). The answers are the same with any hints.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FindBest(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> rows, Span<int> bmus, ReadOnlySpan<int> hints = default)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        Debug.Assert(bmus.Length >= n && (hints.IsEmpty || hints.Length >= n));
        if (n == 0)
        {
            return;
        }

        var lanes = w.Wide ? WideLanes : 3 * Lanes;
        ReadOnlySpan<int> order = [];
        if (!hints.IsEmpty)
        {
            // The rows in the order of their hints, so that a tile's four rows lie near each other.
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

        // The rows packed four at a time, feature-major, their holes as 0 (row 4t's feature f, then
        // row 4t + 1's, …, at (t·dim + f)·4); the last tile topped up with copies of the last row
        // (their answers are dropped). Each position's missing features run from holeStart[p] to
        // holeStart[p + 1] in holes, and its Σ x² over the present features is squares[p].
        var tiles = (n + RowTile - 1) / RowTile;
        var packed = ThreadBuffer(ref _threadRows, tiles * RowTile * dim);
        var holeStart = ThreadBuffer(ref _threadHoleStart, (tiles * RowTile) + 1);
        var holes = ThreadBuffer(ref _threadHoles, tiles * RowTile * dim);
        var squares = ThreadBuffer(ref _threadSquares, tiles * RowTile);
        var count = 0;
        for (var p = 0; p < tiles * RowTile; p++)
        {
            holeStart[p] = count;
            var row = rows.Slice(RowOf(order, p, n) * dim, dim);
            var at = ((p / RowTile) * RowTile * dim) + (p % RowTile);
            var sum = 0f;
            for (var f = 0; f < dim; f++)
            {
                var v = row[f];
                if (float.IsNaN(v))
                {
                    packed[at + (f * RowTile)] = 0;
                    holes[count++] = f;
                }
                else
                {
                    packed[at + (f * RowTile)] = v;
                    sum += v * v;
                }
            }

            squares[p] = sum;
        }

        holeStart[tiles * RowTile] = count;

        var state = ThreadBuffer(ref _threadState, tiles * RowTile * 4 * lanes);
        var visit = hints.IsEmpty ? [] : Visits(w, rows, hints, order, tiles, packed, holes, holeStart, squares);
        Run(w, packed, holes[..count], holeStart, state, tiles, lanes, visit);

        Span<float> negated = dim <= 512 ? stackalloc float[dim] : new float[dim];
        Span<float> mask = dim <= 512 ? stackalloc float[dim] : new float[dim];
        for (var p = 0; p < n; p++)
        {
            var r = order.IsEmpty ? p : order[p];
            var rowState = state.Slice(p * 4 * lanes, 4 * lanes);
            bmus[r] = Resolve(w, rows.Slice(r * dim, dim), squares[p], negated, mask, rowState[..lanes], rowState[lanes..(2 * lanes)],
                MemoryMarshal.Cast<float, int>(rowState[(2 * lanes)..(3 * lanes)]), MemoryMarshal.Cast<float, int>(rowState[(3 * lanes)..]));
        }
    }

    /// <summary>The row at position <paramref name="p"/> of the packed order (the last row for the
    /// top-up positions past <paramref name="n"/>).</summary>
    private static int RowOf(ReadOnlySpan<int> order, int p, int n)
    {
        var at = Math.Min(p, n - 1);
        return order.IsEmpty ? at : order[at];
    }

    /// <summary>The blocked walk: the codebook in blocks of panels that stay in the L1 cache, every
    /// tile of rows against each panel of a block it visits before the next block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> packed, ReadOnlySpan<int> holes, ReadOnlySpan<int> holeStart,
        Span<float> state, int tiles, int lanes, ReadOnlySpan<byte> visit)
    {
        var dim = w.Dim;
        for (var r = 0; r < tiles * RowTile; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            row[..(2 * lanes)].Fill(float.PositiveInfinity);
            MemoryMarshal.Cast<float, int>(row[(2 * lanes)..]).Fill(-1);
        }

        var nodeBlock = Math.Max(w.Panel, (w.Wide ? WideBlockBytes : BlockBytes) / (4 * dim) / w.Panel * w.Panel);
        Span<int> panels = stackalloc int[nodeBlock / w.Panel];
        for (var kb = 0; kb < w.Padded; kb += nodeBlock)
        {
            var kEnd = Math.Min(w.Padded, kb + nodeBlock);
            for (var t = 0; t < tiles; t++)
            {
                var starts = Visited(w, visit, t, kb, kEnd, panels);
                if (starts.IsEmpty)
                {
                    continue;
                }

                var block = packed.Slice(t * RowTile * dim, RowTile * dim);
                var tileHoles = holeStart.Slice(t * RowTile, RowTile + 1);
                var tileState = state.Slice(t * RowTile * 4 * lanes, RowTile * 4 * lanes);
                if (w.Wide)
                {
                    WideTile(w, block, holes, tileHoles, starts, tileState);
                }
                else
                {
                    Tile(w, block, holes, tileHoles, starts, tileState);
                }
            }
        }
    }

    /// <summary>The first slots of the panels in [kb, kEnd) that tile <paramref name="t"/> visits
    /// (all of them without <paramref name="visit"/>), into <paramref name="starts"/>.</summary>
    private static ReadOnlySpan<int> Visited(BlockedBmuSearch.Prepared w, ReadOnlySpan<byte> visit, int t, int kb, int kEnd, Span<int> starts)
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

    /// <summary>This thread's buffer of <paramref name="length"/> floats from a 64-byte boundary, kept
    /// between calls (a call per chunk of rows would otherwise allocate its packed rows and state each
    /// time).</summary>
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
    private static int[]? _threadHoles;

    [ThreadStatic]
    private static int[]? _threadHoleStart;

    [ThreadStatic]
    private static float[]? _threadSquares;

    [ThreadStatic]
    private static int[]? _threadOrder;

    [ThreadStatic]
    private static byte[]? _threadVisits;

    [ThreadStatic]
    private static float[]? _threadRadii;
}
