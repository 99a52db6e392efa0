// The blocked search's panel skipping: which panels a tile of rows may pass over, given a hint
// node per row. Correctness-critical: a panel is passed over only when the triangle inequality, with
// every distance taken to the cautious side of its rounding, puts all its nodes farther than the hint.
// Guarantees: the same answers as without hints, whatever the hints.
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (HintsChangeNoAnswer) and the batch
// map's codebooks (Training/PlannedSearchTrainingTests.cs: hinted blocked search against a row-by-row
// scan; DeterminismTests.cs; StreamingTests.cs: data in memory, with hints, against streamed, without).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal static partial class BlockedBmuSearch
{
    /// <summary>Relative caution of the pruning's distances (see <see cref="FindBest"/>).</summary>
    private const float Caution = 1e-4f;

    /// <summary>Per tile and panel, whether the tile must visit the panel (1) or may pass it over
    /// (0): see <see cref="FindBest"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<byte> Visits(Prepared w, ReadOnlySpan<float> rows, ReadOnlySpan<int> hints, ReadOnlySpan<float> norms, ReadOnlySpan<int> order, int tiles)
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
            var xx = norms.IsEmpty ? RowNorm(x) : norms[r];
            var g = VisitsInVectors(w, xx, reach, dots, tileVisits);
            for (; g < panels; g++)
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

    /// <summary>The test of <see cref="Visits"/>' panel loop, eight panels at a time, lane by lane the
    /// same operations in the same order (so the same decisions); returns the first panel left to the
    /// scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int VisitsInVectors(Prepared w, float xx, float reach, ReadOnlySpan<float> dots, Span<byte> tileVisits)
    {
        var panels = tileVisits.Length;
        var xxs = Vector256.Create(xx);
        var bound = Vector256.Create((w.Dim + 2) * (1f / (1 << 20)));
        var reaches = Vector256.Create(reach);
        var g = 0;
        for (; g + Lanes <= panels; g += Lanes)
        {
            var cc = Vector256.Create(w.CenterNorms.AsSpan(g, Lanes));
            var d2 = xxs - (Vector256.Create(dots.Slice(g, Lanes)) * 2f) + cc - (bound * (xxs + cc));
            var gap = (Vector256.Sqrt(Vector256.Max(Vector256<float>.Zero, d2)) * (1 - Caution)) - (Vector256.Create(w.Radii.AsSpan(g, Lanes)) * (1 + Caution));
            var near = Vector256.LessThanOrEqual(gap, reaches).ExtractMostSignificantBits();
            while (near != 0)
            {
                tileVisits[g + BitOperations.TrailingZeroCount(near)] = 1;
                near &= near - 1;
            }
        }

        return g;
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
}
