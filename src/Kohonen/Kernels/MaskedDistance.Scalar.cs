// The scalar twin of MaskedDistance (processors without vectors, and the reference of its lane order).
// Guarantees: the vector path's bits: the same lanes, the same fused multiply-adds, the same order.
// Held by: tests/Kohonen.Tests/Kernels/MaskedDistanceTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>The scalar twin of <see cref="MaskedDistance"/>.</summary>
internal static partial class MaskedDistance
{
    /// <summary>The lanes of the vector path, one element at a time.</summary>
    public static float Scalar(ReadOnlySpan<float> weights, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask)
    {
        Debug.Assert(weights.Length == negated.Length && mask.Length == negated.Length);
        Span<float> lanes = stackalloc float[Lanes];
        lanes.Clear();
        var whole = weights.Length - (weights.Length % Lanes);
        for (var i = 0; i < whole; i++)
        {
            var d = MathF.FusedMultiplyAdd(weights[i], mask[i], negated[i]);
            lanes[i % Lanes] = MathF.FusedMultiplyAdd(d, d, lanes[i % Lanes]);
        }

        var sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        for (var i = whole; i < weights.Length; i++)
        {
            var d = MathF.FusedMultiplyAdd(weights[i], mask[i], negated[i]);
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
