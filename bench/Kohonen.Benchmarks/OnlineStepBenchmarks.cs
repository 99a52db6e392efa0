using BenchmarkDotNet.Attributes;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>
/// One online step on a map of 3 features: move every node towards a sample with a Gaussian step,
/// then find the next sample's BMU. Scalar loops (the baseline), the unfused planar kernels (row
/// update, then a separate search) and the fused step (one pass, <see cref="FusedOnlineStep"/>) at
/// the widest vector width this machine runs (16 lanes with AVX-512, 8 with AVX2), on grid rows and,
/// as small rectangular maps train (up to <see cref="FusedOnlineTraining.FlatNodes"/> nodes),
/// on one row of all the nodes with a table of the BMU's steps.
/// </summary>
public class OnlineStepBenchmarks
{
    private const int Dim = 3;
    private float[] _codebook = [];
    private float[] _planes = [];
    private RowPlanes _rowPlanes = null!;
    private RowPlanes _oneRow = null!;
    private float[] _oneRowSteps = [];
    private float[] _sample = [], _next = [];
    private float[] _gx = [], _gy = [], _paddedGx = [];

    [Params(10, 50, 100)]
    public int Side { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        _codebook = [.. Enumerable.Range(0, Side * Side * Dim).Select(_ => random.NextSingle())];
        _planes = CodebookLayout.ToPlanes(_codebook, Dim);
        _rowPlanes = new RowPlanes(_codebook, Side, Side, Dim, VectorWidths.PreferredLanes);
        _sample = [.. Enumerable.Range(0, Dim).Select(_ => random.NextSingle())];
        _next = [.. Enumerable.Range(0, Dim).Select(_ => random.NextSingle())];
        // Small steps (α = 1e-3) so that repeated runs leave the codebook where it was, to a rounding.
        _gx = [.. Enumerable.Range(0, Side).Select(x => (float)Math.Exp(-((x - (Side / 2.0)) * (x - (Side / 2.0))) / (Side * 4.0)))];
        _gy = [.. _gx.Select(g => 1e-3f * g)];
        _paddedGx = new float[_rowPlanes.Stride];
        _gx.CopyTo(_paddedGx, 0);
        _oneRow = new RowPlanes(_codebook, Side * Side, 1, Dim, VectorWidths.PreferredLanes);
        _oneRowSteps = new float[_oneRow.Stride];
        for (var k = 0; k < Side * Side; k++)
        {
            _oneRowSteps[k] = _gy[k / Side] * _gx[k % Side];
        }
    }

    [Benchmark(Baseline = true, Description = "scalar update + search")]
    public int Scalar()
    {
        for (var k = 0; k < Side * Side; k++)
        {
            WeightUpdate.Scalar(_codebook.AsSpan(k * Dim, Dim), _sample, _gy[k / Side] * _gx[k % Side]);
        }

        var best = 0;
        var bestD2 = float.PositiveInfinity;
        for (var k = 0; k < Side * Side; k++)
        {
            var d2 = SquaredDistance.Scalar(_codebook.AsSpan(k * Dim, Dim), _next);
            if (d2 < bestD2)
            {
                (best, bestD2) = (k, d2);
            }
        }

        return best;
    }

    [Benchmark(Description = "planar update, then search")]
    public int Unfused()
    {
        for (var y = 0; y < Side; y++)
        {
            WeightUpdate.ApplyPlanarGaussianRow(_planes, Side * Side, y * Side, _gx, _gy[y], _sample);
        }

        return BmuSearch.FindBestPlanar(_planes, Side * Side, _next, 0, Side * Side, out _);
    }

    [Benchmark(Description = "fused step")]
    public int Fused() => FusedOnlineStep.UpdateAndFindNext(_rowPlanes, _sample, _gy, _paddedGx, _paddedGx, 1f / (1 << 24), _next, out _);

    [Benchmark(Description = "fused step, one row")]
    public int FusedOneRow() => FusedOnlineStep.UpdateAndFindNext(_oneRow, _sample, [1f], _oneRowSteps, _oneRowSteps, 1f / (1 << 24), _next, out _);
}
