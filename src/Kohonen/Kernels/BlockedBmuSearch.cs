// The blocked BMU search: the entry points.
// Guarantees: for every row, the BMU of the node-by-node scan (the least SquaredDistance.Compute, ties
// to the lowest index), and for FindBestTwo its best and second-best node and exact distance, whatever
// the hints, the vector width, the blocking and the number of threads.
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (every row's BMU and top two against the
// node-by-node scan, near ties, hints of every kind, both widths) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).
// Correctness lives in the layout (BlockedBmuSearch.Layout.cs), the panel skipping
// (BlockedBmuSearch.Hints.cs) and the exact resolution (BlockedBmuSearch.Resolve.cs); the walk
// (BlockedBmuSearch.Driver.cs) and the register tiles (BlockedBmuSearch.Tile256.cs, .Tile512.cs) are
// tuning: any blocking or tile shape that offers every node's score to its row keeps the answers.

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
internal static partial class BlockedBmuSearch
{
    private const int Lanes = 8;
    private const int WideLanes = 16;
    private const int RowTile = 4;

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
    /// <param name="norms">Empty, or ‖x‖² per row as <see cref="RowNorm"/> gives it (a caller that
    /// searches the same rows again, as the batch map does every epoch, computes them once).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FindBest(Prepared w, ReadOnlySpan<float> rows, Span<int> bmus, ReadOnlySpan<int> hints = default, ReadOnlySpan<float> norms = default)
    {
        var dim = w.Dim;
        var n = rows.Length / dim;
        Debug.Assert(bmus.Length >= n && (hints.IsEmpty || hints.Length >= n) && (norms.IsEmpty || norms.Length >= n));
        var state = Sweep(w, rows, hints, norms, out var lanes, out var order);
        for (var p = 0; p < n; p++)
        {
            var r = order.IsEmpty ? p : order[p];
            var row = state.Slice(p * 4 * lanes, 4 * lanes);
            var x = rows.Slice(r * dim, dim);
            bmus[r] = Resolve(w, x, norms.IsEmpty ? RowNorm(x) : norms[r], row[..lanes], row[lanes..(2 * lanes)],
                MemoryMarshal.Cast<float, int>(row[(2 * lanes)..(3 * lanes)]), MemoryMarshal.Cast<float, int>(row[(3 * lanes)..]));
        }
    }

    /// <summary>‖x‖², summed in vectors: the row norm of the rounding bounds and the pruning (which
    /// hold for any order of summation; the answers never depend on its last bits).</summary>
    /// <remarks>Compiled optimised at once, unlike a library's generic sum: a training calls it once
    /// per row, and a short one used to run it unoptimised (a call per vector operation) throughout.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float RowNorm(ReadOnlySpan<float> x)
    {
        ref var v = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var a = Vector512.LoadUnsafe(ref v, (nuint)i);
                acc = Vector512.FusedMultiplyAdd(a, a, acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var a = Vector256.LoadUnsafe(ref v, (nuint)i);
                acc = Vector256.FusedMultiplyAdd(a, a, acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            var a = Unsafe.Add(ref v, i);
            sum += a * a;
        }

        return sum;
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
        var state = Sweep(w, rows, [], [], out var lanes, out _);
        for (var r = 0; r < n; r++)
        {
            var row = state.Slice(r * 4 * lanes, 4 * lanes);
            (best[r], bestDistanceSquared[r], second[r]) = ResolveTwo(w, rows.Slice(r * dim, dim), row[..lanes], row[lanes..(2 * lanes)],
                MemoryMarshal.Cast<float, int>(row[(2 * lanes)..(3 * lanes)]), MemoryMarshal.Cast<float, int>(row[(3 * lanes)..]));
        }
    }
}
