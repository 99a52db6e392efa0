// The scalar twin of the Manhattan distances (processors without vectors, and the vector paths' last nodes).
// Guarantees: Σ |w_f − x_f| added feature by feature in feature order, one float add per feature.
// Held by: tests/Kohonen.Tests/Kernels/DistanceKernelTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>The scalar twin of <see cref="ManhattanDistance"/>.</summary>
internal static partial class ManhattanDistance
{
    /// <summary>The reference over two node-major vectors: 0 + |a₀ − b₀| + |a₁ − b₁| + …, left to right,
    /// each term added with one rounding.</summary>
    public static float Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += MathF.Abs(a[i] - b[i]);
        }

        return sum;
    }

    /// <summary><see cref="ToNodes"/> node by node, with <see cref="Scalar"/>'s arithmetic.</summary>
    internal static void ToNodesScalar(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, Span<float> destination)
    {
        for (var k = 0; k < destination.Length; k++)
        {
            var sum = 0f;
            for (var f = 0; f < input.Length; f++)
            {
                sum += MathF.Abs(planes[(f * nodes) + start + k] - input[f]);
            }

            destination[k] = sum;
        }
    }
}
