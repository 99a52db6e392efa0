// The blocked search's 256-bit register tile: 4 rows x 24 nodes in twelve accumulators, and the
// lanes' running top two. Tuning, safe to touch, as long as each score is ||w||^2 - 2 x.w with the
// dot product one multiply-add chain over the features in order, and each lane keeps its two least
// scores with ties to the node seen first.
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (every row's BMU and top two against the
// node-by-node scan, near ties, hints of every kind, both widths) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kohonen.Kernels;

internal static partial class BlockedBmuSearch
{
    /// <summary>Accumulators of the 256-bit tile: 4 rows × 3 vectors.</summary>
    private const int TileAccumulators = RowTile * 3;

    /// <summary>
    /// Four rows (packed, feature-major) against the panels starting at <paramref name="starts"/> (in
    /// the node block from <paramref name="kb"/>), 4 rows × 24 nodes in twelve 256-bit accumulators,
    /// over features [f0, f1). Twelve independent chains cover more than the latency × throughput of
    /// two fused multiply-add pipes (eight), so the pipes never wait. A block that does not end the
    /// features leaves its dot products in
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
}
