// The scalar twin of the planar BMU search (processors without vectors, and the vector paths' tails).
// Guarantees: the node-by-node scan's node and distance bits (d0·d0, then d·d + acc by fused multiply-adds),
// ties to the lowest index.
// Held by: tests/Kohonen.Tests/Kernels/PlanarKernelTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

namespace Kohonen.Kernels;

/// <summary>The scalar twin of the planar search (processors without vectors, and the vector paths'
/// last nodes).</summary>
internal static partial class BmuSearch
{
    /// <summary>
    /// The best node in [start, end) of a planar codebook, node by node: each distance d₀·d₀, then
    /// d·d + acc feature by feature as fused multiply-adds (the vector paths' arithmetic, lane by
    /// lane), the first node at the least distance winning. The same node and bits as
    /// <see cref="FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>.
    /// </summary>
    internal static int FindBestPlanarScalar(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
    {
        var best = -1;
        var bestD2 = float.PositiveInfinity;
        ScalarTail(planes, nodes, input, start, end, ref best, ref bestD2);
        bestDistanceSquared = bestD2;
        return best < 0 ? start : best;
    }

    /// <summary>
    /// The nodes [k, end) one by one with the vector paths' arithmetic. After a vector search they
    /// come after every vector node, so only a strictly closer one wins.
    /// </summary>
    private static void ScalarTail(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int k, int end, ref int best, ref float bestD2)
    {
        for (; k < end; k++)
        {
            var sum = 0f;
            for (var f = 0; f < input.Length; f++)
            {
                var d = planes[(f * nodes) + k] - input[f];
                sum = MathF.FusedMultiplyAdd(d, d, sum);
            }

            if (sum < bestD2)
            {
                bestD2 = sum;
                best = k;
            }
        }
    }

    /// <summary>Takes candidate (i, d) when it is closer, or as close with a lower index.</summary>
    private static void Merge(int i, float d, ref int best, ref float bestD2)
    {
        if (i >= 0 && (d < bestD2 || (d == bestD2 && i < best)))
        {
            bestD2 = d;
            best = i;
        }
    }
}
