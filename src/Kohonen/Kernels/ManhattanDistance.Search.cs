// The BMU searches of the Manhattan distance over a planar codebook: the best node, and the best two.
// Guarantees: the first node at the least ManhattanDistance (ties to the lowest index, also across the
// parallel chunks, whatever the threads); the best two with ties to the lower index for both places.
// Held by: tests/Kohonen.Tests/Kernels/DistanceKernelTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>The Manhattan BMU searches: the distances of a block of nodes at a time
/// (<see cref="ToNodes"/>), then compared in node order.</summary>
internal static partial class ManhattanDistance
{
    /// <summary>The best node in [start, end): the first at the least distance.</summary>
    public static int FindBest(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, int end, out float bestDistance)
    {
        Debug.Assert(start < end && end <= nodes);
        Span<float> distances = stackalloc float[NodesPerBlock];
        var best = start;
        var least = float.PositiveInfinity;
        for (var k = start; k < end; k += NodesPerBlock)
        {
            var block = distances[..Math.Min(NodesPerBlock, end - k)];
            ToNodes(planes, nodes, input, k, block);
            for (var i = 0; i < block.Length; i++)
            {
                if (block[i] < least)
                {
                    least = block[i];
                    best = k + i;
                }
            }
        }

        bestDistance = least;
        return best;
    }

    /// <summary>The best node over the whole codebook, in parallel chunks of
    /// <see cref="BmuSearch.ChunkNodes"/> nodes when the work is large and <paramref name="maxThreads"/>
    /// allows; the chunks' winners are compared in chunk order with a strict less-than, so the answer
    /// is the sequential search's.</summary>
    public static int FindBest(float[] planes, int nodes, ReadOnlySpan<float> input, int maxThreads, out float bestDistance)
    {
        if (maxThreads <= 1 || (long)nodes * input.Length < BmuSearch.ParallelWorkThreshold || nodes <= BmuSearch.ChunkNodes)
        {
            return FindBest(planes, nodes, input, 0, nodes, out bestDistance);
        }

        var copy = input.ToArray();
        var chunks = (nodes + BmuSearch.ChunkNodes - 1) / BmuSearch.ChunkNodes;
        var winners = new int[chunks];
        var distances = new float[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            var start = c * BmuSearch.ChunkNodes;
            winners[c] = FindBest(planes, nodes, copy, start, Math.Min(nodes, start + BmuSearch.ChunkNodes), out distances[c]);
        });

        var best = 0;
        for (var c = 1; c < chunks; c++)
        {
            if (distances[c] < distances[best])
            {
                best = c;
            }
        }

        bestDistance = distances[best];
        return winners[best];
    }

    /// <summary>The best and second-best nodes (ties to the lower index for both places). With one
    /// node, the second is −1 at infinite distance.</summary>
    public static (int Best, float BestDistance, int Second, float SecondDistance) FindBestTwo(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input)
    {
        Span<float> distances = stackalloc float[NodesPerBlock];
        int best = -1, second = -1;
        float d1 = float.PositiveInfinity, d2 = float.PositiveInfinity;
        for (var k = 0; k < nodes; k += NodesPerBlock)
        {
            var block = distances[..Math.Min(NodesPerBlock, nodes - k)];
            ToNodes(planes, nodes, input, k, block);
            for (var i = 0; i < block.Length; i++)
            {
                var d = block[i];
                if (d < d1)
                {
                    second = best;
                    d2 = d1;
                    best = k + i;
                    d1 = d;
                }
                else if (d < d2)
                {
                    second = k + i;
                    d2 = d;
                }
            }
        }

        return (best < 0 ? 0 : best, d1, second, d2);
    }
}
