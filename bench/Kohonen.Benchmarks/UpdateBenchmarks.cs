using BenchmarkDotNet.Attributes;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>The weight update of a whole codebook towards one input: scalar reference against SIMD
/// (node-major, SIMD across features) and the fused planar Gaussian row kernel.</summary>
public class UpdateBenchmarks
{
    private float[] _codebook = [];
    private float[] _planes = [];
    private float[] _input = [];
    private float[] _factors = [];

    [Params(3, 16, 64)]
    public int Dim { get; set; }

    /// <summary>A 100×100 map.</summary>
    public int Side => 100;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        _codebook = [.. Enumerable.Range(0, Side * Side * Dim).Select(_ => (float)random.NextDouble())];
        _planes = CodebookLayout.ToPlanes(_codebook, Dim);
        _input = [.. Enumerable.Range(0, Dim).Select(_ => (float)random.NextDouble())];
        _factors = [.. Enumerable.Range(0, Side).Select(x => (float)Math.Exp(-((x - 50.0) * (x - 50.0)) / 800))];
    }

    [Benchmark(Baseline = true, Description = "scalar")]
    public void Scalar()
    {
        for (var k = 0; k < Side * Side; k++)
        {
            WeightUpdate.Scalar(_codebook.AsSpan(k * Dim, Dim), _input, 1e-3f);
        }
    }

    [Benchmark(Description = "simd node-major")]
    public void NodeMajor()
    {
        for (var k = 0; k < Side * Side; k++)
        {
            WeightUpdate.Apply(_codebook.AsSpan(k * Dim, Dim), _input, 1e-3f);
        }
    }

    [Benchmark(Description = "fused planar gaussian")]
    public void PlanarGaussian()
    {
        for (var y = 0; y < Side; y++)
        {
            WeightUpdate.ApplyPlanarGaussianRow(_planes, Side * Side, y * Side, _factors, 1e-3f, _input);
        }
    }
}
