// Unit vectors for the cosine distance: rows and codebooks divided by their Euclidean norms.
// Guarantees: one arithmetic for a vector wherever it is stored (node-major or planar, one row or many):
// ‖v‖² summed in double feature by feature in order, r = 1/√‖v‖², each v̂_f = (float)(v_f·r); a vector of
// zeros stays zeros. So the cosine BMU is the same on every processor, in every layout, with any threads.
// Held by: tests/Kohonen.Tests/Kernels/DistanceKernelTests.cs (against a plain reference, and the
// planar copy against the node-major one bit for bit).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

namespace Kohonen.Kernels;

/// <summary>
/// v̂ = v/‖v‖ for the cosine distance ½‖x̂ − ŵ‖² (1 − cos θ): with rows and nodes on the unit sphere
/// the cosine BMU is the Euclidean BMU, so every Euclidean search, the blocked one included, serves
/// it. ‖v‖² is summed in double (each square exact) in feature order, and each feature is multiplied
/// by 1/‖v‖ in double and rounded once to float; a vector of zeros has no direction and stays zeros.
/// </summary>
internal static class CosineNormal
{
    /// <summary>Writes v̂ into <paramref name="destination"/>; false when <paramref name="v"/> is all zeros
    /// (the destination is then zeros).</summary>
    public static bool Normalize(ReadOnlySpan<float> v, Span<float> destination)
    {
        var squares = 0.0;
        foreach (var value in v)
        {
            squares += (double)value * value;
        }

        if (squares == 0)
        {
            destination[..v.Length].Clear();
            return false;
        }

        var reciprocal = 1.0 / Math.Sqrt(squares);
        for (var f = 0; f < v.Length; f++)
        {
            destination[f] = (float)(v[f] * reciprocal);
        }

        return true;
    }

    /// <summary>Every node of a node-major codebook (or every row of a row-major block) normalised
    /// into <paramref name="destination"/>; <paramref name="zero"/>, when given, marks the vectors of zeros.</summary>
    public static void NormalizeEach(ReadOnlySpan<float> vectors, int dim, Span<float> destination, Span<bool> zero = default)
    {
        var count = vectors.Length / dim;
        for (var k = 0; k < count; k++)
        {
            var nonZero = Normalize(vectors.Slice(k * dim, dim), destination.Slice(k * dim, dim));
            if (!zero.IsEmpty)
            {
                zero[k] = !nonZero;
            }
        }
    }

    /// <summary>Every node of a planar codebook (<c>planes[f·nodes + k]</c>) normalised into planar
    /// <paramref name="destination"/>, with <see cref="Normalize"/>'s arithmetic node by node, so the
    /// same floats as the node-major copy. <paramref name="squares"/> holds one double per node.</summary>
    public static void NormalizePlanes(ReadOnlySpan<float> planes, int nodes, int dim, Span<float> destination, Span<double> squares)
    {
        squares[..nodes].Clear();
        for (var f = 0; f < dim; f++)
        {
            var plane = planes.Slice(f * nodes, nodes);
            for (var k = 0; k < nodes; k++)
            {
                squares[k] += (double)plane[k] * plane[k];
            }
        }

        for (var k = 0; k < nodes; k++)
        {
            squares[k] = squares[k] == 0 ? 0 : 1.0 / Math.Sqrt(squares[k]);
        }

        for (var f = 0; f < dim; f++)
        {
            var plane = planes.Slice(f * nodes, nodes);
            var target = destination.Slice(f * nodes, nodes);
            for (var k = 0; k < nodes; k++)
            {
                target[k] = squares[k] == 0 ? 0f : (float)(plane[k] * squares[k]);
            }
        }
    }
}
