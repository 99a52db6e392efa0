// The blocked search's 512-bit register tile: 4 rows x 32 nodes in eight accumulators. Tuning, safe
// to touch under the rule of the 256-bit tile (BlockedBmuSearch.Tile256.cs).
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (every row's BMU and top two against the
// node-by-node scan, near ties, hints of every kind, both widths) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal static partial class BlockedBmuSearch
{
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
}
