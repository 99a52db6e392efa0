// The scalar twins of the squared distance: the reference sum, and the sum in the vector paths' lanes.
// Guarantees: Scalar is one running sum left to right; ScalarInLanes gives the vector paths' bits.
// Held by: tests/Kohonen.Tests/Kernels/KernelTests.cs (every path against the documented lane order).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*KernelBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>The scalar twins of <see cref="SquaredDistance"/>: the reference sum, and the sum in the
/// vector paths' lanes for processors without vectors.</summary>
internal static partial class SquaredDistance
{
    /// <summary>The reference: one running float sum, left to right, each term added by a fused
    /// multiply-add (d·d + sum, rounded once), as every SIMD path does. The small-dimension kernels
    /// (planes, bounded blocks, the fused step) give this sum bit for bit.</summary>
    public static float Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }

    /// <summary>
    /// <see cref="Simd"/> without vectors: the 32 running sums of its four 8-lane accumulators (element
    /// i of each 32 into sum i mod 32; the whole 8s after the last 32 into sums 0–7), each term by a
    /// fused multiply-add, combined as <see cref="Simd"/> combines them. The same bits.
    /// </summary>
    public static float ScalarInLanes(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        Span<float> acc = stackalloc float[4 * Lanes];
        acc.Clear();
        var n = a.Length;
        var i = 0;
        for (; i + (4 * Lanes) <= n; i += 4 * Lanes)
        {
            for (var j = 0; j < 4 * Lanes; j++)
            {
                var d = a[i + j] - b[i + j];
                acc[j] = MathF.FusedMultiplyAdd(d, d, acc[j]);
            }
        }

        for (; i + Lanes <= n; i += Lanes)
        {
            for (var j = 0; j < Lanes; j++)
            {
                var d = a[i + j] - b[i + j];
                acc[j] = MathF.FusedMultiplyAdd(d, d, acc[j]);
            }
        }

        Span<float> lane = stackalloc float[Lanes];
        for (var j = 0; j < Lanes; j++)
        {
            lane[j] = (acc[j] + acc[Lanes + j]) + (acc[(2 * Lanes) + j] + acc[(3 * Lanes) + j]);
        }

        var sum = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
        for (; i < n; i++)
        {
            var d = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
