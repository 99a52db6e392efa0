// Node-major <-> feature-major codebooks.
// Guarantees: the round trip gives the same floats. Held by: tests/Kohonen.Tests/Kernels/PlanarKernelTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*TrainerBenchmarks*'

namespace Kohonen.Kernels;

/// <summary>Conversions between the node-major codebook (<c>[node][feature]</c>, as stored) and the
/// feature-major planes the small-dimension kernels use (<c>[feature][node]</c>).</summary>
internal static class CodebookLayout
{
    public static float[] ToPlanes(ReadOnlySpan<float> codebook, int dim)
    {
        var nodes = codebook.Length / dim;
        var planes = new float[codebook.Length];
        for (var k = 0; k < nodes; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                planes[(f * nodes) + k] = codebook[(k * dim) + f];
            }
        }

        return planes;
    }

    public static void FromPlanes(ReadOnlySpan<float> planes, int dim, Span<float> codebook)
    {
        var nodes = planes.Length / dim;
        for (var k = 0; k < nodes; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                codebook[(k * dim) + f] = planes[(f * nodes) + k];
            }
        }
    }
}
