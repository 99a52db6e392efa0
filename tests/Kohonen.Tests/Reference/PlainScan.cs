namespace Kohonen.Tests.Reference;

/// <summary>The plainest node-by-node scans, the references the fast searches are tested against.</summary>
internal static class PlainScan
{
    /// <summary>
    /// The best and second-best node of <paramref name="input"/> with the best one's squared distance:
    /// each node's distance as one fused multiply-add chain, the two least (distance, index) pairs kept
    /// with strict comparisons in index order (ties to the lower index; node 0 when no distance is below
    /// infinity).
    /// </summary>
    public static (int Best, float DistanceSquared, int Second) BestTwo(float[] codebook, int dim, float[] input)
    {
        int best = -1, second = -1;
        float d1 = float.PositiveInfinity, d2 = float.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var sum = 0f;
            for (var f = 0; f < dim; f++)
            {
                var d = codebook[(k * dim) + f] - input[f];
                sum = MathF.FusedMultiplyAdd(d, d, sum);
            }

            if (sum < d1)
            {
                (second, d2) = (best, d1);
                (best, d1) = (k, sum);
            }
            else if (sum < d2)
            {
                (second, d2) = (k, sum);
            }
        }

        return (Math.Max(best, 0), d1, second);
    }
}
