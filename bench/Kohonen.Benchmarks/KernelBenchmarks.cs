using BenchmarkDotNet.Attributes;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>
/// One BMU search over a codebook of <see cref="Nodes"/> nodes: the plain scalar loop (the baseline)
/// against the library's kernels: node by node with SIMD across features, and planar (SIMD across
/// nodes) for dimensions below 8. Awkward sizes included.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _codebook = [];
    private float[] _planes = [];
    private float[] _input = [];

    [Params(2500)]
    public int Nodes { get; set; }

    [Params(3, 7, 64, 300)]
    public int Dim { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _codebook = [.. Enumerable.Range(0, Nodes * Dim).Select(_ => (float)random.NextDouble())];
        _planes = CodebookLayout.ToPlanes(_codebook, Dim);
        _input = [.. Enumerable.Range(0, Dim).Select(_ => (float)random.NextDouble())];
    }

    [Benchmark(Baseline = true, Description = "scalar")]
    public int Scalar()
    {
        var best = 0;
        var bestD2 = float.PositiveInfinity;
        for (var k = 0; k < Nodes; k++)
        {
            var d2 = SquaredDistance.Scalar(_codebook.AsSpan(k * Dim, Dim), _input);
            if (d2 < bestD2)
            {
                bestD2 = d2;
                best = k;
            }
        }

        return best;
    }

    [Benchmark(Description = "simd node-major")]
    public int NodeMajor() => BmuSearch.FindBest(_codebook, Dim, _input, 0, Nodes, out _);

    [Benchmark(Description = "simd planar")]
    public int Planar() => Dim < BmuSearch.PlanarBelowDimension ? BmuSearch.FindBestPlanar(_planes, Nodes, _input, 0, Nodes, out _) : NodeMajor();
}
