// The bounded-blocks search for each input's best and second-best node (the topographic error's pair).
// Guarantees: the pair and the best distance bits of the node-by-node scalar scan (BmuSearch.FindBestTwo):
// the two least (distance, node) pairs, ties to the lowest index; a block is skipped only when its exact
// lower bound exceeds the second distance already found.
// Held by: tests/Kohonen.Tests/Kernels/BoundedBlocksBestTwoTests.cs (lattices full of ties, every width)
// and Metrics/QualityMetricsSearchTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*TrainerBenchmarks*'

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>The best and second-best node of an input through the same boxes as
/// <see cref="FindBest(ReadOnlySpan{float}, out float)"/>.</summary>
/// <remarks>
/// The nodes of the nearest box give a first pair; its second distance bounds every node that can
/// still take either place, so only the blocks whose bound is not above it are measured (each block
/// checked again against the second distance found so far). Every measured node goes into the pair
/// by the order (distance, node index): the answer of a sequential scan that keeps the two least,
/// whatever order the blocks are visited in.
/// </remarks>
internal sealed partial class BoundedBlocks
{
    /// <summary>Whether every weight is finite (the boxes' bounds hold only then).</summary>
    public static bool AllFinite(ReadOnlySpan<float> codebook)
    {
        foreach (var w in codebook)
        {
            if (!float.IsFinite(w))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The best and second-best node of <paramref name="input"/> on this thread, and the best
    /// one's squared distance: <see cref="BmuSearch.FindBestTwo"/>'s answer (the second −1 on a
    /// one-node codebook).</summary>
    public (int Best, float BestD2, int Second) FindBestTwo(ReadOnlySpan<float> input)
    {
        if (_bounds.Length < _boxStride)
        {
            _bounds = AlignedBuffer.Allocate(_boxStride);
        }

        var bounds = _bounds.Span[.._boxStride];
        return Lanes switch
        {
            16 => TwoAtWidth<Vector512<float>, Bits512>(input, bounds),
            8 => TwoAtWidth<Vector256<float>, Bits256>(input, bounds),
            _ => TwoAtWidth<Vector128<float>, Bits128>(input, bounds),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (int, float, int) TwoAtWidth<TVector, TWidth>(ReadOnlySpan<float> input, Span<float> bounds)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        Dim switch
        {
            1 => FindTwo<One, TVector, TWidth>(input, bounds),
            2 => FindTwo<Two, TVector, TWidth>(input, bounds),
            3 => FindTwo<Three, TVector, TWidth>(input, bounds),
            4 => FindTwo<Four, TVector, TWidth>(input, bounds),
            5 => FindTwo<Five, TVector, TWidth>(input, bounds),
            6 => FindTwo<Six, TVector, TWidth>(input, bounds),
            _ => FindTwo<Seven, TVector, TWidth>(input, bounds),
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int, float, int) FindTwo<TDim, TVector, TWidth>(ReadOnlySpan<float> input, Span<float> bounds)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var lanes = TWidth.Lanes;
        var (x0, x1, x2, x3, x4, x5, x6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(input);
        // Every box's bound, and the least of them (as FindBest).
        var least = BoxBounds<TDim, TVector, TWidth>((x0, x1, x2, x3, x4, x5, x6), bounds);
        ref var bound = ref MemoryMarshal.GetReference(bounds);
        var stride = (nuint)_boxStride;

        ref var weights = ref Weights;
        Span<float> lane = stackalloc float[16];
        ref var laneRef = ref MemoryMarshal.GetReference(lane);
        var pair = new Pair();
        var nearest = LeastLanes.First<TVector, TWidth>(bounds, TWidth.Least(least));
        if (nearest >= 0)
        {
            TWidth.Store(Distances<TDim, TVector, TWidth>(ref weights, nearest, x0, x1, x2, x3, x4, x5, x6), ref laneRef, 0);
            Take(ref pair, lane[..lanes], _nodes.AsSpan(nearest * lanes, lanes), uint.MaxValue >> (32 - lanes));
        }

        // Every block whose bound is not above the second distance (all of them while it is +∞).
        var threshold = TWidth.Create(pair.SecondDistance);
        for (nuint at = 0; at < stride; at += (nuint)lanes)
        {
            var candidates = TWidth.LessThanOrEqualMask(TWidth.Load(ref bound, at), threshold);
            if (_blockCount - (int)at < lanes)
            {
                candidates &= (1u << (_blockCount - (int)at)) - 1;
            }

            while (candidates != 0)
            {
                var block = (int)at + BitOperations.TrailingZeroCount(candidates);
                candidates &= candidates - 1;
                if (block == nearest || bounds[block] > pair.SecondDistance)
                {
                    continue;
                }

                var distances = Distances<TDim, TVector, TWidth>(ref weights, block, x0, x1, x2, x3, x4, x5, x6);
                var close = TWidth.LessThanOrEqualMask(distances, TWidth.Create(pair.SecondDistance));
                if (close != 0)
                {
                    TWidth.Store(distances, ref laneRef, 0);
                    Take(ref pair, lane[..lanes], _nodes.AsSpan(block * lanes, lanes), close);
                }
            }
        }

        return pair.BestDistance < float.PositiveInfinity
            ? (pair.BestNode, pair.BestDistance, pair.SecondDistance < float.PositiveInfinity ? pair.SecondNode : -1)
            : (0, float.PositiveInfinity, -1);
    }

    /// <summary>Puts the lanes set in <paramref name="which"/> into the pair,
    /// by (distance, node index).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Pair pair, ReadOnlySpan<float> distances, ReadOnlySpan<int> nodes, uint which)
    {
        while (which != 0)
        {
            var j = BitOperations.TrailingZeroCount(which);
            which &= which - 1;
            var (d, node) = (distances[j], nodes[j]);
            if (!(d < float.PositiveInfinity))
            {
                // The scan never takes +∞ (or NaN): nothing is strictly below its starting +∞.
                continue;
            }

            if (d < pair.BestDistance || (d == pair.BestDistance && node < pair.BestNode))
            {
                (pair.SecondDistance, pair.SecondNode) = (pair.BestDistance, pair.BestNode);
                (pair.BestDistance, pair.BestNode) = (d, node);
            }
            else if (d < pair.SecondDistance || (d == pair.SecondDistance && node < pair.SecondNode))
            {
                (pair.SecondDistance, pair.SecondNode) = (d, node);
            }
        }
    }

    /// <summary>The two least (distance, node) found so far; +∞ and <see cref="int.MaxValue"/> before any.</summary>
    private struct Pair()
    {
        public float BestDistance = float.PositiveInfinity;
        public int BestNode = int.MaxValue;
        public float SecondDistance = float.PositiveInfinity;
        public int SecondNode = int.MaxValue;
    }
}
