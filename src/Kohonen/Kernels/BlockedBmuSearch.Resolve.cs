// The blocked search's exact resolution: from the lanes' top twos of rounded scores to the exact
// BMU (and top two). Correctness-critical: every node whose score is within the rounding bound of
// the best is measured with SquaredDistance.Compute, and so is every node of a lane that may have
// dropped one; the least exact distance wins, ties to the lowest index.
// Guarantees: the node-by-node scan's answer, among any number of near ties.
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (every row's BMU and top two against the
// node-by-node scan, near ties, hints of every kind, both widths) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).

using System.Runtime.CompilerServices;

namespace Kohonen.Kernels;

internal static partial class BlockedBmuSearch
{
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
    private static int Resolve(Prepared w, ReadOnlySpan<float> x, float xx, ReadOnlySpan<float> best, ReadOnlySpan<float> second, ReadOnlySpan<int> bestIndex, ReadOnlySpan<int> secondIndex)
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        double xx = RowNorm(x); // summed in vectors: see the margin in Resolve
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
