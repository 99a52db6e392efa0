// The masked blocked search's exact resolution and panel skipping. Correctness-critical: every node
// whose score is within the rounding bound of the best is measured with MaskedDistance.Compute, and so
// is every node of a lane that may have dropped one; a panel is passed over only when the triangle
// inequality over the row's present features, every distance taken to the cautious side of its
// rounding, puts all its nodes farther than the hint.
// Guarantees: the masked node-by-node scan's answer (MaskedSearch.FindBest), among any number of near
// ties, with any hints.
// Held by: tests/Kohonen.Tests/Kernels/MaskedBlockedSearchTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal static partial class MaskedBlockedSearch
{
    /// <summary>Relative caution of the panel skipping's distances.</summary>
    private const float Caution = 1e-4f;

    /// <summary>
    /// The exact BMU of one row from its lanes' top twos. With X = Σ x² over the present features,
    /// a score s = ‖w‖² − 2·(x̃·w + ½·Σ_M w²) is the masked squared distance less X; each of its
    /// dim + 2 roundings is within 2⁻²³ (with or without fused multiply-adds) of a sum bounded by
    /// X + 2‖w‖², and the scan's own distance (<see cref="MaskedDistance.Compute"/>) is within
    /// (dim + 3)·2⁻²⁴ of a value at most 2(X + ‖w‖²). A node whose score is above
    /// limit = b + (dim + 3)·2⁻²⁰·(X + 2·max ‖w‖²), twice those bounds summed for two nodes, is
    /// farther than the best one by the scan's measure too. When some other kept score is at or below
    /// the limit, every candidate there is measured exactly, and so is every node of a lane whose
    /// second place is there too (the lane may have dropped a third): the least masked distance wins,
    /// ties to the lower index, as in the scan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Resolve(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> x, Span<float> negated, Span<float> mask,
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
        var present = MaskedDistance.Prepare(x, negated, mask);
        if (bi < 0)
        {
            // No finite score (weights beyond float's range): the scan decides.
            return MaskedSearch.FindBest(w.Codebook, dim, negated, mask, present, out _);
        }

        if (si < 0)
        {
            return bi;
        }

        double xx = TensorPrimitives.SumOfSquares(negated);
        var limit = b + ((dim + 3) * (1.0 / (1 << 20)) * (xx + (2.0 * w.MaxNorm)));
        if (s > limit)
        {
            return bi;
        }

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
    private static ReadOnlySpan<byte> Visits(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> rows, ReadOnlySpan<int> hints, ReadOnlySpan<int> order, int tiles)
    {
        var dim = w.Dim;
        var n = order.Length;
        var panels = w.Padded / w.Panel;
        var visit = ThreadBuffer(ref _threadVisits, tiles * panels);
        visit.Clear();
        var distances = ThreadBuffer(ref _threadCentres, w.CenterNorms.Length);
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
            var reach = Math.Sqrt(MaskedDistance.Compute(w.Codebook.AsSpan(hint * dim, dim), negated, mask) * (1 + rounding)) * (1 + Caution);
            CentreDistances(w, negated, mask, distances);
            for (var g = 0; g < panels; g++)
            {
                var gap = (Math.Sqrt(Math.Max(0, distances[g] * (1 - rounding))) * (1 - Caution)) - (w.Radii[g] * (1 + Caution));
                if (!(gap > reach))
                {
                    tileVisits[g] = 1;
                }
            }
        }

        return visit;
    }

    /// <summary>Σ over the present features of (c − x)² for every panel centre c, eight panels at a
    /// time: each term (c·m − x)², m 1 where present and 0 where missing, so a missing feature adds
    /// 0. A sum of terms that are not negative, within (dim + 3)·2⁻²⁴ of its exact value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CentreDistances(BlockedBmuSearch.Prepared w, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask, Span<float> distances)
    {
        var stride = distances.Length;
        var dim = negated.Length;
        ref var planes = ref MemoryMarshal.GetArrayDataReference(w.CenterPlanes);
        ref var rx = ref MemoryMarshal.GetReference(negated);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        for (var g = 0; g < stride; g += 2 * Lanes)
        {
            Vector256<float> a0 = default, a1 = default;
            ref var column = ref Unsafe.Add(ref planes, g);
            for (var f = 0; f < dim; f++)
            {
                ref var at = ref Unsafe.Add(ref column, f * stride);
                var m = Vector256.Create(Unsafe.Add(ref rm, f));
                var x = Vector256.Create(Unsafe.Add(ref rx, f));
                var d0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref at), m, x);
                var d1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref at, Lanes), m, x);
                a0 = Vector256.MultiplyAddEstimate(d0, d0, a0);
                a1 = Vector256.MultiplyAddEstimate(d1, d1, a1);
            }

            a0.CopyTo(distances[g..]);
            a1.CopyTo(distances[(g + Lanes)..]);
        }
    }
}
