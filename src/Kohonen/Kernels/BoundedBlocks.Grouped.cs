// The bounded-blocks search with a second level: groups of blocks with their own boxes, for large maps.
// Guarantees: FindBest's answer (the node-by-node scalar scan's node and distance bits, ties to the lowest
// index) at every vector width; a group or a block is skipped only when its exact lower bound exceeds a
// node distance already found.
// Held by: tests/Kohonen.Tests/Kernels/BoundedBlocksGroupedTests.cs (lattices full of ties, nodes one ulp
// apart, far inputs, every width) and tests/Kohonen.Server.Tests/PredictBatchReferenceTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal sealed partial class BoundedBlocks
{
    /// <summary>Blocks from which the grouped search pays: below, one pass over every box is as
    /// cheap as the groups' pass and the visits it adds.</summary>
    public const int GroupedFromBlocks = 64;

    /// <summary>The groups' boxes. Made on first use.</summary>
    private GroupBoxes? _groups;

    [ThreadStatic]
    private static Memory<float> _groupBounds;

    /// <summary>
    /// <see cref="FindBest"/>'s answer, found through groups of <see cref="Lanes"/> consecutive
    /// blocks (neighbours in the median splits, so a group's box is compact): the input's bound to
    /// every group's box, then the blocks of the nearest group, then only the groups, and within them
    /// the blocks, whose bound is not above the least distance found so far. A group's box holds its
    /// blocks' boxes, so its bound (the same operations on gaps no larger) is at most theirs, and a
    /// block's at most its nodes' distances: nothing skipped could be the BMU or tie with it.
    /// </summary>
    public int FindBestGrouped(ReadOnlySpan<float> input, out float distanceSquared)
    {
        var groups = LazyInitializer.EnsureInitialized(ref _groups, MakeGroups);
        if (_groupBounds.Length < groups.Stride)
        {
            _groupBounds = AlignedBuffer.Allocate(Math.Max(groups.Stride, 64));
        }

        var bounds = _groupBounds.Span[..groups.Stride];
        return Lanes switch
        {
            16 => GroupedAtWidth<Vector512<float>, Bits512>(groups, input, bounds, out distanceSquared),
            8 => GroupedAtWidth<Vector256<float>, Bits256>(groups, input, bounds, out distanceSquared),
            _ => GroupedAtWidth<Vector128<float>, Bits128>(groups, input, bounds, out distanceSquared),
        };
    }

    private GroupBoxes MakeGroups()
    {
        var count = (_blockCount + Lanes - 1) / Lanes;
        var stride = (count + Lanes - 1) / Lanes * Lanes;
        var low = new float[Dim * stride];
        var high = new float[Dim * stride];
        low.AsSpan().Fill(float.PositiveInfinity);
        high.AsSpan().Fill(float.PositiveInfinity);
        for (var g = 0; g < count; g++)
        {
            for (var f = 0; f < Dim; f++)
            {
                float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
                for (var b = g * Lanes; b < Math.Min(_blockCount, (g + 1) * Lanes); b++)
                {
                    lo = Math.Min(lo, _low[(f * _boxStride) + b]);
                    hi = Math.Max(hi, _high[(f * _boxStride) + b]);
                }

                low[(f * stride) + g] = lo;
                high[(f * stride) + g] = hi;
            }
        }

        return new GroupBoxes(low, high, count, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GroupedAtWidth<TVector, TWidth>(GroupBoxes groups, ReadOnlySpan<float> input, Span<float> bounds, out float distanceSquared)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        Dim switch
        {
            1 => Grouped<One, TVector, TWidth>(groups, input, bounds, out distanceSquared),
            2 => Grouped<Two, TVector, TWidth>(groups, input, bounds, out distanceSquared),
            3 => Grouped<Three, TVector, TWidth>(groups, input, bounds, out distanceSquared),
            4 => Grouped<Four, TVector, TWidth>(groups, input, bounds, out distanceSquared),
            5 => Grouped<Five, TVector, TWidth>(groups, input, bounds, out distanceSquared),
            6 => Grouped<Six, TVector, TWidth>(groups, input, bounds, out distanceSquared),
            _ => Grouped<Seven, TVector, TWidth>(groups, input, bounds, out distanceSquared),
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Grouped<TDim, TVector, TWidth>(GroupBoxes groups, ReadOnlySpan<float> input, Span<float> bounds, out float distanceSquared)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var lanes = TWidth.Lanes;
        var x = VectorWidths.Broadcast<TDim, TVector, TWidth>(input);
        ref var groupLow = ref MemoryMarshal.GetArrayDataReference(groups.Low);
        ref var groupHigh = ref MemoryMarshal.GetArrayDataReference(groups.High);
        ref var bound = ref MemoryMarshal.GetReference(bounds);
        var least = TWidth.Create(float.PositiveInfinity);
        for (nuint at = 0; at < (nuint)groups.Stride; at += (nuint)lanes)
        {
            least = LeastLanes.Keep<TVector, TWidth>(Bounds<TDim, TVector, TWidth>(ref groupLow, ref groupHigh, (nuint)groups.Stride, at, x), ref bound, at, least);
        }

        // The nearest group first (its blocks give a distance that prunes the rest), then every other
        // group whose bound is not above the least distance found, in order.
        var bestDistance = float.PositiveInfinity;
        var bestNode = int.MaxValue;
        var nearest = LeastLanes.First<TVector, TWidth>(bounds, TWidth.Least(least));
        if (nearest >= 0)
        {
            VisitGroup<TDim, TVector, TWidth>(nearest, x, ref bestDistance, ref bestNode);
        }

        for (nuint at = 0; at < (nuint)groups.Stride; at += (nuint)lanes)
        {
            var candidates = TWidth.LessThanOrEqualMask(TWidth.Load(ref bound, at), TWidth.Create(bestDistance));
            if (groups.Count - (int)at < lanes)
            {
                // Past the last group the boxes are padding (bound +∞, which a distance of +∞ admits).
                candidates &= (1u << (groups.Count - (int)at)) - 1;
            }

            while (candidates != 0)
            {
                var group = (int)at + BitOperations.TrailingZeroCount(candidates);
                candidates &= candidates - 1;
                if (group != nearest && bounds[group] <= bestDistance)
                {
                    VisitGroup<TDim, TVector, TWidth>(group, x, ref bestDistance, ref bestNode);
                }
            }
        }

        distanceSquared = bestDistance;
        return bestDistance < float.PositiveInfinity ? bestNode : 0;
    }

    /// <summary>Measures the blocks of <paramref name="group"/> whose bound is not above the least
    /// distance found, keeping the least distance and its lowest node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void VisitGroup<TDim, TVector, TWidth>(int group,
        (TVector X0, TVector X1, TVector X2, TVector X3, TVector X4, TVector X5, TVector X6) x, ref float bestDistance, ref int bestNode)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var lanes = TWidth.Lanes;
        var first = group * lanes;
        var blockBounds = Bounds<TDim, TVector, TWidth>(ref MemoryMarshal.GetArrayDataReference(_low), ref MemoryMarshal.GetArrayDataReference(_high), (nuint)_boxStride, (nuint)first, x);
        var candidates = TWidth.LessThanOrEqualMask(blockBounds, TWidth.Create(bestDistance));
        if (_blockCount - first < lanes)
        {
            candidates &= (1u << (_blockCount - first)) - 1;
        }

        ref var weights = ref MemoryMarshal.GetArrayDataReference(_weights);
        var (x0, x1, x2, x3, x4, x5, x6) = x;
        while (candidates != 0)
        {
            var block = first + BitOperations.TrailingZeroCount(candidates);
            candidates &= candidates - 1;
            var distances = Distances<TDim, TVector, TWidth>(ref weights, block, x0, x1, x2, x3, x4, x5, x6);
            var blockBest = TWidth.Least(distances);
            if (blockBest <= bestDistance)
            {
                // The block's nodes are in index order: its first lane at the least is its lowest
                // index among the closest.
                var lane = BitOperations.TrailingZeroCount(TWidth.EqualsMask(distances, TWidth.Create(blockBest)));
                var node = _nodes[(block * lanes) + lane];
                if (blockBest < bestDistance || node < bestNode)
                {
                    (bestDistance, bestNode) = (blockBest, node);
                }
            }
        }
    }

    /// <summary>The bounds of the <see cref="IVectorWidth{TVector}.Lanes"/> boxes from
    /// <paramref name="at"/> of feature-major sides with <paramref name="stride"/> floats a feature:
    /// <see cref="BoxBounds"/>'s operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Bounds<TDim, TVector, TWidth>(ref float low, ref float high, nuint stride, nuint at,
        (TVector X0, TVector X1, TVector X2, TVector X3, TVector X4, TVector X5, TVector X6) x)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var g = Gap<TVector, TWidth>(ref low, ref high, at, x.X0);
        var sum = TWidth.Multiply(g, g);
        sum = TDim.Value > 1 ? AddGap<TVector, TWidth>(ref low, ref high, at + stride, x.X1, sum) : sum;
        sum = TDim.Value > 2 ? AddGap<TVector, TWidth>(ref low, ref high, at + (2 * stride), x.X2, sum) : sum;
        sum = TDim.Value > 3 ? AddGap<TVector, TWidth>(ref low, ref high, at + (3 * stride), x.X3, sum) : sum;
        sum = TDim.Value > 4 ? AddGap<TVector, TWidth>(ref low, ref high, at + (4 * stride), x.X4, sum) : sum;
        sum = TDim.Value > 5 ? AddGap<TVector, TWidth>(ref low, ref high, at + (5 * stride), x.X5, sum) : sum;
        return TDim.Value > 6 ? AddGap<TVector, TWidth>(ref low, ref high, at + (6 * stride), x.X6, sum) : sum;
    }

    /// <summary>The groups' boxes, feature-major as the blocks' (<see cref="_low"/>), <paramref name="Stride"/>
    /// floats a feature: group g holds blocks g·<see cref="Lanes"/> to g·<see cref="Lanes"/> + <see cref="Lanes"/> − 1,
    /// and its box is the least box holding theirs; padding groups past <paramref name="Count"/> are +∞.</summary>
    private sealed record GroupBoxes(float[] Low, float[] High, int Count, int Stride);
}
