// The scalar twins of the weight updates (references, tails, and processors without vectors).
// Guarantees: a subtract and one fused multiply-add per element.
// Held by: tests/Kohonen.Tests/Kernels/KernelTests.cs and PlanarKernelTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*UpdateBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>The scalar twins of <see cref="WeightUpdate"/>: the references, the vector paths' tails,
/// and the paths of processors without vectors.</summary>
internal static partial class WeightUpdate
{
    /// <summary>The reference.</summary>
    public static void Scalar(Span<float> w, ReadOnlySpan<float> v, float h)
    {
        Debug.Assert(w.Length == v.Length);
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = MathF.FusedMultiplyAdd(h, v[i] - w[i], w[i]);
        }
    }

    /// <summary>The reference of <see cref="ApplyPlanar(Span{float}, ReadOnlySpan{float}, float)"/>.</summary>
    public static void ScalarPlanar(Span<float> w, ReadOnlySpan<float> h, float v)
    {
        Debug.Assert(w.Length == h.Length);
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = MathF.FusedMultiplyAdd(h[i], v - w[i], w[i]);
        }
    }

    /// <summary>The reference of <see cref="ApplyPlanarGaussianRow(Span{float}, int, int, ReadOnlySpan{float}, float, ReadOnlySpan{float})"/>
    /// for the columns from <paramref name="firstColumn"/> on.</summary>
    public static void ScalarPlanarGaussianRow(Span<float> planes, int nodes, int rowStart, ReadOnlySpan<float> gx, float rowScale, ReadOnlySpan<float> sample, int firstColumn)
    {
        for (var x = firstColumn; x < gx.Length; x++)
        {
            var h = rowScale * gx[x];
            for (var f = 0; f < sample.Length; f++)
            {
                ref var w = ref planes[(f * nodes) + rowStart + x];
                w = MathF.FusedMultiplyAdd(h, sample[f] - w, w);
            }
        }
    }
}
