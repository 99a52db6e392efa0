// The node-by-node BMU search over a node-major codebook (from 8 features), and its best-and-second.
// Guarantees: the node of least SquaredDistance.Compute, ties to the lowest index (also across parallel
// chunks, whatever the threads); a NaN distance never wins.
// Held by: tests/Kohonen.Tests/Kernels/KernelTests.cs, BlockedBmuSearchTests.cs (its reference), SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*KernelBenchmarks*' '*TrainerBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Kohonen.Kernels;

/// <summary>
/// The best matching unit: the node whose weights have the least squared Euclidean distance to an
/// input. Ties go to the lowest node index (a later node must be strictly closer to win). A NaN
/// distance never wins, so an input with NaN finds node <c>start</c>; callers validate inputs first.
/// </summary>
internal static partial class BmuSearch
{
    /// <summary>Node counts at or above this are searched in parallel when threads are allowed.</summary>
    public const int ParallelWorkThreshold = 1 << 16;

    /// <summary>Nodes per parallel chunk: a fixed size, so chunking does not depend on the thread
    /// count.</summary>
    public const int ChunkNodes = 2048;

    /// <summary>The best node in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindBest(ReadOnlySpan<float> codebook, int dim, ReadOnlySpan<float> input, int start, int end, out float bestDistanceSquared)
    {
        Debug.Assert(input.Length == dim && start < end && (long)end * dim <= codebook.Length);
        var best = start;
        var bestD2 = float.PositiveInfinity;
        for (var k = start; k < end; k++)
        {
            var d2 = SquaredDistance.Compute(codebook.Slice(k * dim, dim), input);
            if (d2 < bestD2)
            {
                bestD2 = d2;
                best = k;
            }
        }

        bestDistanceSquared = bestD2;
        return best;
    }

    /// <summary>The best node over the whole codebook, in parallel chunks of <see cref="ChunkNodes"/>
    /// when the work is large enough and <paramref name="maxThreads"/> allows; the chunks' winners are
    /// compared in chunk order, so the answer is the same as a sequential search.</summary>
    public static int FindBest(float[] codebook, int dim, ReadOnlySpan<float> input, int maxThreads, out float bestDistanceSquared)
    {
        var nodes = codebook.Length / dim;
        if (!WorthSplitting(nodes, dim, maxThreads))
        {
            return FindBest(codebook, dim, input, 0, nodes, out bestDistanceSquared);
        }

        var copy = input.ToArray();
        return FindBestInChunks(nodes, maxThreads, (int start, int end, out float d2) => FindBest(codebook, dim, copy, start, end, out d2), out bestDistanceSquared);
    }

    /// <summary>A search of the node range [start, end) that reports the winner's squared distance.</summary>
    private delegate int RangeSearch(int start, int end, out float bestDistanceSquared);

    /// <summary>Whether a search over this many nodes pays for splitting across threads.</summary>
    private static bool WorthSplitting(int nodes, int dim, int maxThreads) =>
        maxThreads > 1 && (long)nodes * dim >= ParallelWorkThreshold && nodes > ChunkNodes;

    /// <summary>
    /// Runs <paramref name="search"/> over fixed chunks of <see cref="ChunkNodes"/> nodes in parallel,
    /// then compares the chunks' winners in chunk order with a strict less-than: the lowest index wins
    /// ties across chunks as within them, so the answer is that of one sequential search whatever the
    /// number of threads.
    /// </summary>
    private static int FindBestInChunks(int nodes, int maxThreads, RangeSearch search, out float bestDistanceSquared)
    {
        var chunks = (nodes + ChunkNodes - 1) / ChunkNodes;
        var winners = new int[chunks];
        var distances = new float[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            var start = c * ChunkNodes;
            winners[c] = search(start, Math.Min(nodes, start + ChunkNodes), out distances[c]);
        });

        var best = 0;
        for (var c = 1; c < chunks; c++)
        {
            if (distances[c] < distances[best])
            {
                best = c;
            }
        }

        bestDistanceSquared = distances[best];
        return winners[best];
    }

    /// <summary>The best and second-best nodes over the whole codebook (ties to the lower index for
    /// both places). With one node, the second is −1 at infinite distance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Best, float BestD2, int Second, float SecondD2) FindBestTwo(ReadOnlySpan<float> codebook, int dim, ReadOnlySpan<float> input)
    {
        Debug.Assert(input.Length == dim);
        var nodes = codebook.Length / dim;
        int best = -1, second = -1;
        float d1 = float.PositiveInfinity, d2nd = float.PositiveInfinity;
        for (var k = 0; k < nodes; k++)
        {
            var d = SquaredDistance.Compute(codebook.Slice(k * dim, dim), input);
            if (d < d1)
            {
                second = best;
                d2nd = d1;
                best = k;
                d1 = d;
            }
            else if (d < d2nd)
            {
                second = k;
                d2nd = d;
            }
        }

        return (best < 0 ? 0 : best, d1, second, d2nd);
    }
}
