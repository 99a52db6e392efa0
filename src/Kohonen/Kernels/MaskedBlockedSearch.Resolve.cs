// The masked blocked search's exact resolution and panel skipping. Correctness-critical: every node
// whose score is within the rounding bound of the best is measured with MaskedDistance.Compute, and so
// is every node of a lane that may have dropped one; a panel is passed over only when the triangle
// inequality over the row's present features, every distance taken to the cautious side of its
// rounding, puts all its nodes farther than the hint.
// Guarantees: the masked node-by-node scan's answer (MaskedSearch.FindBest), among any number of near
// ties, with any hints.
// Held by: tests/Kohonen.Tests/Kernels/MaskedBlockedSearchTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal static partial class MaskedBlockedSearch
{
    /// <summary>Relative caution of the panel skipping's distances.</summary>
    private const float Caution = 1e-4f;

    /// <summary>
    /// The exact BMU of one row from its lanes' top twos. With X = Σ x² over the present features
    /// and u = 2⁻²⁴, a score s = ‖w‖² − 2·(x̃·w + ½·Σ_M w²) is the masked squared distance less X
    /// up to its rounding: ‖w‖² is within dim·u·‖w‖², the dot product chain within dim·u times the
    /// sum of its terms' magnitudes, ½(X + ‖w‖²), and the last step within u·|s|, fused or not:
    /// (dim + 1)·u·(X + 2‖w‖²) in all. The scan's distance (<see cref="MaskedDistance.Compute"/>: each
    /// difference rounded once, eight lanes of dim/8 terms, three adds, up to seven more terms) is
    /// within (dim/8 + 12)·u of a value at most 2(X + ‖w‖²). For two nodes that is
    /// (2.5·dim + 50)·u·(X + 2·max ‖w‖²) at most, and the margin
    /// (dim + 16)·2⁻²¹·(X + 2·max ‖w‖²) is over twice that: a node whose score is above
    /// limit = b + margin is farther than the best one by the scan's measure too. When some other
    /// kept score is at or below the limit, every candidate there is measured exactly, and so is every
    /// node of a lane whose second place is there too (the lane may have dropped a third): the least
    /// masked distance wins, ties to the lower index, as in the scan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Resolve(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> x, float xx, Span<float> negated, Span<float> mask,
        ReadOnlySpan<float> best, ReadOnlySpan<float> second, ReadOnlySpan<int> bestIndex, ReadOnlySpan<int> secondIndex)
    {
        float b = float.PositiveInfinity, s = float.PositiveInfinity;
        int bi = -1, si = -1;
        for (var l = 0; l < best.Length; l++)
        {
            Offer(best[l], bestIndex[l], ref b, ref bi, ref s, ref si);
            Offer(second[l], secondIndex[l], ref b, ref bi, ref s, ref si);
        }

        var dim = w.Dim;
        if (bi < 0)
        {
            // No finite score (weights beyond float's range): the scan decides.
            var present = MaskedDistance.Prepare(x, negated, mask);
            return MaskedSearch.FindBest(w.Codebook, dim, negated, mask, present, out _);
        }

        if (si < 0)
        {
            return bi;
        }

        var limit = b + (Margin(dim) * (xx + (2.0 * w.MaxNorm)));
        if (s > limit)
        {
            return bi;
        }

        MaskedDistance.Prepare(x, negated, mask);
        int first = -1;
        var firstD2 = float.PositiveInfinity;
        var lanes = best.Length;
        for (var l = 0; l < lanes; l++)
        {
            if (secondIndex[l] >= 0 && second[l] <= limit)
            {
                // The lane saw the slots l, l + lanes, l + 2·lanes, … and kept its two least scores.
                for (var slot = l; slot < w.Padded; slot += lanes)
                {
                    if (w.Ids[slot] is var k and >= 0)
                    {
                        Measure(w, k, negated, mask, ref first, ref firstD2);
                    }
                }
            }
            else if (bestIndex[l] >= 0 && best[l] <= limit)
            {
                Measure(w, bestIndex[l], negated, mask, ref first, ref firstD2);
            }
        }

        return first;
    }

    /// <summary>The rounding margin of <see cref="Resolve"/> per unit of X + 2·max ‖w‖².</summary>
    private static double Margin(int dim) => (dim + 16) * (1.0 / (1 << 21));

    /// <summary>Offers node <paramref name="k"/>'s masked distance: the least wins, ties to the lower
    /// index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Measure(BlockedBmuSearch.Prepared w, int k, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask, ref int first, ref float firstD2)
    {
        var d = MaskedDistance.Compute(w.Codebook.AsSpan(k * w.Dim, w.Dim), negated, mask);
        if (d < firstD2 || (d == firstD2 && k < first) || first < 0)
        {
            (first, firstD2) = (k, d);
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

        if (score < b || (score == b && index < bi) || bi < 0)
        {
            (s, si) = (b, bi);
            (b, bi) = (score, index);
        }
        else if (index != bi && (score < s || (score == s && index < si) || si < 0))
        {
            (s, si) = (score, index);
        }
    }

    /// <summary>
    /// Per tile and panel, whether the tile must visit the panel (1) or may pass it over (0). For a
    /// row x with present features P and hint h, the BMU is no farther over P than h,
    /// ‖P(x − w_h)‖ = U. A node w of a panel of centre c and radius r has
    /// ‖P(x − w)‖ ≥ ‖P(x − c)‖ − ‖P(w − c)‖ ≥ ‖P(x − c)‖ − r, so when that exceeds U for each of a
    /// tile's rows (U taken above and ‖P(x − c)‖ below by their rounding and 10⁻⁴ more) the panel's
    /// nodes are all strictly farther than the BMU, and the answers are those without hints.
    /// </summary>
    private static ReadOnlySpan<byte> Visits(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> rows, ReadOnlySpan<int> hints, ReadOnlySpan<int> order, int tiles,
        ReadOnlySpan<float> packed, ReadOnlySpan<int> holes, ReadOnlySpan<int> holeStart, ReadOnlySpan<float> squares)
    {
        var dim = w.Dim;
        var n = order.Length;
        var panels = w.Padded / w.Panel;
        var visit = ThreadBuffer(ref _threadVisits, tiles * panels);
        visit.Clear();
        // The radii taken 10⁻⁴ large, as many as the centres' columns (0 past the last panel).
        var radii = ThreadBuffer(ref _threadRadii, w.CenterNorms.Length);
        radii.Clear();
        for (var g = 0; g < panels; g++)
        {
            radii[g] = w.Radii[g] * (1 + Caution);
        }

        Span<float> negated = dim <= 512 ? stackalloc float[dim] : new float[dim];
        Span<float> mask = dim <= 512 ? stackalloc float[dim] : new float[dim];
        var rounding = (dim + 3) * (1.0 / (1 << 22));
        for (var p = 0; p < n; p++)
        {
            var r = order[p];
            var hint = hints[r];
            var tileVisits = visit.Slice(p / RowTile * panels, panels);
            if (hint < 0 || hint >= w.Nodes)
            {
                tileVisits.Fill(1);
                continue;
            }

            MaskedDistance.Prepare(rows.Slice(r * dim, dim), negated, mask);
            var reach = (float)(Math.Sqrt(MaskedDistance.Compute(w.Codebook.AsSpan(hint * dim, dim), negated, mask) * (1 + rounding)) * (1 + Caution));
            MarkVisits(w, packed[((p / RowTile * RowTile * dim) + (p % RowTile))..], holes[holeStart[p]..holeStart[p + 1]], squares[p], reach, radii, tileVisits);
        }

        return visit;
    }

    /// <summary>
    /// Marks the panels one row must visit: ‖P(x − c)‖² = Σ_P x² − 2·x̃·c + ‖c‖² − Σ_M c² for every
    /// panel centre c, sixteen panels (two vectors) at a time, x̃·c in four partial sums over the
    /// features (f mod 4) so that eight multiply-add chains run side by side, Σ_M c² over the row's
    /// missing features <paramref name="holes"/>. Each rounding is within 2⁻²⁴ of a sum bounded by
    /// x̃² + 2‖c‖², about 3·dim of them; less (dim + 3)·2⁻²⁰·(Σ_P x² + ‖c‖²), over four times that, the
    /// distance is never overstated. A panel is passed over when ‖P(x − c)‖·(1 − 10⁻⁴) exceeds
    /// <paramref name="reach"/> + r·(1 + 10⁻⁴), compared squared. <paramref name="row"/> is the row
    /// with its holes as 0, one value every four floats (a packed tile's column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MarkVisits(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> row, ReadOnlySpan<int> holes, float xx, float reach,
        ReadOnlySpan<float> radii, Span<byte> visits)
    {
        var stride = radii.Length;
        var dim = w.Dim;
        var panels = visits.Length;
        ref var planes = ref MemoryMarshal.GetArrayDataReference(w.CenterPlanes);
        ref var norms = ref MemoryMarshal.GetArrayDataReference(w.CenterNorms);
        ref var radius = ref MemoryMarshal.GetReference(radii);
        ref var x = ref MemoryMarshal.GetReference(row);
        var minusTwo = Vector256.Create(-2f);
        var squares = Vector256.Create(xx);
        var expansion = Vector256.Create((dim + 3) * (1f / (1 << 20)));
        var keep = Vector256.Create((1 - Caution) * (1 - Caution));
        var reached = Vector256.Create(reach);
        for (var g = 0; g < panels; g += 2 * Lanes)
        {
            Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default, c0 = default, c1 = default, d0 = default, d1 = default;
            ref var column = ref Unsafe.Add(ref planes, g);
            var f = 0;
            for (; f + 4 <= dim; f += 4)
            {
                ref var at = ref Unsafe.Add(ref column, f * stride);
                var x0 = Vector256.Create(Unsafe.Add(ref x, f * RowTile));
                a0 = Vector256.MultiplyAddEstimate(x0, Vector256.LoadUnsafe(ref at), a0);
                a1 = Vector256.MultiplyAddEstimate(x0, Vector256.LoadUnsafe(ref at, Lanes), a1);
                var x1 = Vector256.Create(Unsafe.Add(ref x, (f + 1) * RowTile));
                b0 = Vector256.MultiplyAddEstimate(x1, Vector256.LoadUnsafe(ref at, (nuint)stride), b0);
                b1 = Vector256.MultiplyAddEstimate(x1, Vector256.LoadUnsafe(ref at, (nuint)(stride + Lanes)), b1);
                var x2 = Vector256.Create(Unsafe.Add(ref x, (f + 2) * RowTile));
                c0 = Vector256.MultiplyAddEstimate(x2, Vector256.LoadUnsafe(ref at, (nuint)(2 * stride)), c0);
                c1 = Vector256.MultiplyAddEstimate(x2, Vector256.LoadUnsafe(ref at, (nuint)((2 * stride) + Lanes)), c1);
                var x3 = Vector256.Create(Unsafe.Add(ref x, (f + 3) * RowTile));
                d0 = Vector256.MultiplyAddEstimate(x3, Vector256.LoadUnsafe(ref at, (nuint)(3 * stride)), d0);
                d1 = Vector256.MultiplyAddEstimate(x3, Vector256.LoadUnsafe(ref at, (nuint)((3 * stride) + Lanes)), d1);
            }

            for (; f < dim; f++)
            {
                ref var at = ref Unsafe.Add(ref column, f * stride);
                var xf = Vector256.Create(Unsafe.Add(ref x, f * RowTile));
                a0 = Vector256.MultiplyAddEstimate(xf, Vector256.LoadUnsafe(ref at), a0);
                a1 = Vector256.MultiplyAddEstimate(xf, Vector256.LoadUnsafe(ref at, Lanes), a1);
            }

            // ‖c‖² less the missing features' c², then − 2·x̃·c + Σ_P x², less the rounding bound.
            var n0 = Vector256.LoadUnsafe(ref norms, (nuint)g);
            var n1 = Vector256.LoadUnsafe(ref norms, (nuint)(g + Lanes));
            var (q0, q1) = (n0, n1);
            foreach (var hole in holes)
            {
                ref var at = ref Unsafe.Add(ref column, hole * stride);
                var h0 = Vector256.LoadUnsafe(ref at);
                var h1 = Vector256.LoadUnsafe(ref at, Lanes);
                q0 = Vector256.MultiplyAddEstimate(-h0, h0, q0);
                q1 = Vector256.MultiplyAddEstimate(-h1, h1, q1);
            }

            var low0 = (Vector256.MultiplyAddEstimate(minusTwo, (a0 + b0) + (c0 + d0), q0) + squares) - (expansion * (squares + n0));
            var low1 = (Vector256.MultiplyAddEstimate(minusTwo, (a1 + b1) + (c1 + d1), q1) + squares) - (expansion * (squares + n1));
            var beyond0 = reached + Vector256.LoadUnsafe(ref radius, (nuint)g);
            var beyond1 = reached + Vector256.LoadUnsafe(ref radius, (nuint)(g + Lanes));
            var far = Vector256.GreaterThan(low0 * keep, beyond0 * beyond0).ExtractMostSignificantBits()
                | (Vector256.GreaterThan(low1 * keep, beyond1 * beyond1).ExtractMostSignificantBits() << Lanes);
            for (var near = ~far & 0xFFFFu; near != 0; near &= near - 1)
            {
                var at = g + BitOperations.TrailingZeroCount(near);
                if (at < panels)
                {
                    visits[at] = 1;
                }
            }
        }
    }
}
