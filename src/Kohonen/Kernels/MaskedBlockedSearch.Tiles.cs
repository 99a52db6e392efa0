// The masked blocked search's register tiles: 4 rows x 24 nodes (256-bit) or 4 rows x 32 nodes
// (512-bit), and the lanes' running top two. Tuning, safe to touch, as long as each score is
// ||w||^2 - 2 (x~.w + 1/2 sum over the missing features of w^2), x~ the row with its holes as 0, and
// each lane keeps its two least scores (the exact resolution covers any order of the terms).
// Held by: tests/Kohonen.Tests/Kernels/MaskedBlockedSearchTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kohonen.Kernels;

internal static partial class MaskedBlockedSearch
{
    /// <summary>
    /// Four rows (packed, feature-major, holes as 0) against the panels starting at
    /// <paramref name="starts"/>, 4 rows × 24 nodes in twelve 256-bit accumulators. Each accumulator
    /// starts at ½·Σ w² over its row's missing features (<paramref name="holes"/> from
    /// <paramref name="holeStart"/>[j] to [j + 1] for row j), then takes x̃·w feature by feature.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> block, ReadOnlySpan<int> holes, ReadOnlySpan<int> holeStart,
        ReadOnlySpan<int> starts, Span<float> state)
    {
        var dim = w.Dim;
        Debug.Assert(state.Length == RowTile * 4 * 3 * Lanes && block.Length == RowTile * dim);
        ref var planes = ref MemoryMarshal.GetReference(w.Planes.Span);
        ref var norms = ref MemoryMarshal.GetReference(w.Norms.Span);
        ref var first = ref MemoryMarshal.GetReference(block);
        ref var end = ref Unsafe.Add(ref first, RowTile * dim);
        var rows = MemoryMarshal.Cast<float, Vector256<float>>(state);
        ref var ids = ref MemoryMarshal.GetArrayDataReference(w.Ids);
        var minusTwo = Vector256.Create(-2f);
        var holes0 = holes[holeStart[0]..holeStart[1]];
        var holes1 = holes[holeStart[1]..holeStart[2]];
        var holes2 = holes[holeStart[2]..holeStart[3]];
        var holes3 = holes[holeStart[3]..holeStart[4]];

        foreach (var k0 in starts)
        {
            ref var panel = ref Unsafe.Add(ref planes, k0 * dim);
            var (a00, a01, a02) = HalfSquares(ref panel, holes0);
            var (a10, a11, a12) = HalfSquares(ref panel, holes1);
            var (a20, a21, a22) = HalfSquares(ref panel, holes2);
            var (a30, a31, a32) = HalfSquares(ref panel, holes3);
            ref var p = ref panel;
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

    /// <summary>½·Σ w² over a row's missing features for a 24-node panel (feature f's weights at
    /// offset f·24 from <paramref name="panel"/>; <paramref name="holes"/> holds those features).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>) HalfSquares(ref float panel, ReadOnlySpan<int> holes)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default;
        var half = Vector256.Create(0.5f);
        foreach (var at in holes)
        {
            ref var plane = ref Unsafe.Add(ref panel, at * 3 * Lanes);
            var p0 = Vector256.LoadUnsafe(ref plane);
            var p1 = Vector256.LoadUnsafe(ref plane, Lanes);
            var p2 = Vector256.LoadUnsafe(ref plane, 2 * Lanes);
            a0 = Vector256.MultiplyAddEstimate(p0 * half, p0, a0);
            a1 = Vector256.MultiplyAddEstimate(p1 * half, p1, a1);
            a2 = Vector256.MultiplyAddEstimate(p2 * half, p2, a2);
        }

        return (a0, a1, a2);
    }

    /// <summary>
    /// The same with 512-bit vectors: 4 rows × 32 nodes in eight 16-lane accumulators, the four rows'
    /// state in registers for the whole call; each lane sees the slots l, l + 16, l + 32, ….
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTile(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> block, ReadOnlySpan<int> holes, ReadOnlySpan<int> holeStart,
        ReadOnlySpan<int> starts, Span<float> state)
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
        var holes0 = holes[holeStart[0]..holeStart[1]];
        var holes1 = holes[holeStart[1]..holeStart[2]];
        var holes2 = holes[holeStart[2]..holeStart[3]];
        var holes3 = holes[holeStart[3]..holeStart[4]];
        Vector512<float> b0 = rows[0], s0 = rows[1], b1 = rows[4], s1 = rows[5], b2 = rows[8], s2 = rows[9], b3 = rows[12], s3 = rows[13];
        Vector512<int> bi0 = rows[2].AsInt32(), si0 = rows[3].AsInt32(), bi1 = rows[6].AsInt32(), si1 = rows[7].AsInt32();
        Vector512<int> bi2 = rows[10].AsInt32(), si2 = rows[11].AsInt32(), bi3 = rows[14].AsInt32(), si3 = rows[15].AsInt32();

        foreach (var k0 in starts)
        {
            ref var panel = ref Unsafe.Add(ref planes, k0 * dim);
            var (a00, a01) = HalfSquaresWide(ref panel, holes0);
            var (a10, a11) = HalfSquaresWide(ref panel, holes1);
            var (a20, a21) = HalfSquaresWide(ref panel, holes2);
            var (a30, a31) = HalfSquaresWide(ref panel, holes3);
            ref var p = ref panel;
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

    /// <summary>½·Σ w² over a row's missing features for a 32-node panel (feature f's at offset f·32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>) HalfSquaresWide(ref float panel, ReadOnlySpan<int> holes)
    {
        Vector512<float> a0 = default, a1 = default;
        var half = Vector512.Create(0.5f);
        foreach (var at in holes)
        {
            ref var plane = ref Unsafe.Add(ref panel, at * 2 * WideLanes);
            var p0 = Vector512.LoadUnsafe(ref plane);
            var p1 = Vector512.LoadUnsafe(ref plane, WideLanes);
            a0 = Vector512.MultiplyAddEstimate(p0 * half, p0, a0);
            a1 = Vector512.MultiplyAddEstimate(p1 * half, p1, a1);
        }

        return (a0, a1);
    }

    /// <summary>The scores of a panel's three vectors of nodes into one row's lane-wise top twos, a
    /// top two for each vector apart (the row's twelve vectors from <paramref name="state"/>: the
    /// three vectors' best, then their second, best index and second index).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(ref Vector256<float> state, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<int> i0, Vector256<int> i1, Vector256<int> i2)
    {
        KeepOne(ref state, s0, i0);
        KeepOne(ref Unsafe.Add(ref state, 1), s1, i1);
        KeepOne(ref Unsafe.Add(ref state, 2), s2, i2);
    }

    /// <summary>One vector of scores into its lanes' top two, whose four fields lie three vectors
    /// apart from <paramref name="state"/> on: a score below the best pushes the best down to second,
    /// ties keep the node seen first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeepOne(ref Vector256<float> state, Vector256<float> score, Vector256<int> index)
    {
        var best = state;
        var second = Unsafe.Add(ref state, 3);
        var bestIndex = Unsafe.Add(ref state, 6).AsInt32();
        var secondIndex = Unsafe.Add(ref state, 9).AsInt32();
        var belowBest = Vector256.LessThan(score, best).AsInt32();
        var belowSecond = Vector256.LessThan(score, second).AsInt32();
        secondIndex = Select(belowBest, bestIndex, Select(belowSecond, index, secondIndex));
        bestIndex = Select(belowBest, index, bestIndex);
        state = Vector256.MinNative(best, score);
        Unsafe.Add(ref state, 3) = Vector256.MinNative(second, Vector256.MaxNative(best, score));
        Unsafe.Add(ref state, 6) = bestIndex.AsSingle();
        Unsafe.Add(ref state, 9) = secondIndex.AsSingle();
    }

    /// <summary>Lanes of <paramref name="yes"/> where the mask (all ones or all zeros per lane) is
    /// set, else of <paramref name="no"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Select(Vector256<int> mask, Vector256<int> yes, Vector256<int> no) =>
        Avx.IsSupported ? Avx.BlendVariable(no.AsSingle(), yes.AsSingle(), mask.AsSingle()).AsInt32() : Vector256.ConditionalSelect(mask, yes, no);

    /// <summary>One 512-bit vector of scores into the lanes' top two (as <see cref="KeepOne"/>).</summary>
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
