// A running least per lane over stored distances, and the first position at the least.
// Guarantees: the first position holding the least value (a sequential scan's answer, ties to the lowest
// index); a NaN is never the least.
// Held by: tests/Kohonen.Tests/Kernels/FusedOnlineStepTests.cs and BoundedBlocksTests.cs (ties, NaN weights).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*PredictionBenchmarks*'

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kohonen.Kernels;

/// <summary>
/// The pieces of a BMU search that stores every node's squared distance and keeps only a running
/// least per lane: one vminps a vector instead of a compare and two selects (a distance and an index),
/// and no chain of selects between consecutive vectors. The BMU is then the first stored position
/// that holds the least value, which is a sequential scan's answer (the closest node, ties to the
/// lowest index). Generic over the vector width (<see cref="IVectorWidth{TVector}"/>).
/// </summary>
internal static class LeastLanes
{
    /// <summary>Stores a vector of squared distances at <paramref name="at"/> and returns the lane-wise
    /// least so far. A NaN distance is never the least: vminps returns its second operand when either is
    /// NaN, and the running least is that operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Keep<TVector, TWidth>(TVector distances, ref float destination, nuint at, TVector least)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TWidth.Store(distances, ref destination, at);
        return TWidth.Min(distances, least);
    }

    /// <summary>The first position of <paramref name="values"/> (whole vectors) that equals
    /// <paramref name="target"/>, or −1 when none does (as when the target is +∞, or no value is
    /// below it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int First<TVector, TWidth>(ReadOnlySpan<float> values, float target)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        if (target < float.PositiveInfinity)
        {
            ref var v = ref MemoryMarshal.GetReference(values);
            var wanted = TWidth.Create(target);
            for (var at = 0; at < values.Length; at += TWidth.Lanes)
            {
                var lanes = TWidth.EqualsMask(TWidth.Load(ref v, (nuint)at), wanted);
                if (lanes != 0)
                {
                    return at + BitOperations.TrailingZeroCount(lanes);
                }
            }
        }

        return -1;
    }
}
