using BenchmarkDotNet.Attributes;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>
/// Predictions on a trained 50×50 map of 3 features (the 1,000 × 3 uniform workload, 100 iterations):
/// 1,000,000 uniform rows through <see cref="SomModel.FindBmus"/> on every core and on one, and
/// the two searches it can use on one thread: the planar scan of every
/// node (the baseline) and the bounded blocks that measure only the nodes near the input. Both give
/// the scan's answers bit for bit (tests in <c>BoundedBlocksTests</c>).
/// </summary>
public class PredictionBenchmarks
{
    private const int Rows = 1_000_000;
    private SomModel _model = null!;
    private DataMatrix _rows = null!;
    private float[] _planes = [];
    private BoundedBlocks? _blocks;
    private int[] _best = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var training = new DataMatrix([.. Enumerable.Range(0, 3000).Select(_ => random.NextSingle())], 1000, 3);
        _model = new SomTrainer(new SomOptions { Width = 50, Height = 50, Iterations = 100, Seed = 1 }).Fit(training);
        _rows = new DataMatrix([.. Enumerable.Range(0, Rows * 3).Select(_ => random.NextSingle())], Rows, 3);
        _planes = CodebookLayout.ToPlanes(_model.CodebookArray, 3);
        _blocks = BoundedBlocks.IsSupported(3) ? new BoundedBlocks(_model.Codebook, 3) : null;
        _best = new int[Rows];
    }

    [Benchmark(Description = "1M FindBmus, all cores")]
    public int FindBmusAllCores() => _model.FindBmus(_rows).Length;

    [Benchmark(Description = "1M FindBmus, one thread")]
    public int FindBmusOneThread() => _model.FindBmus(_rows, maxThreads: 1).Length;

    [Benchmark(Baseline = true, Description = "1M planar scans, one thread")]
    public int PlanarScan()
    {
        var values = _rows.RawValues;
        for (var r = 0; r < Rows; r++)
        {
            _best[r] = BmuSearch.FindBestPlanar(_planes, 2500, values.AsSpan(r * 3, 3), 0, 2500, out _);
        }

        return _best[^1];
    }

    [Benchmark(Description = "1M bounded-block searches, one thread")]
    public int BoundedBlockSearch()
    {
        var values = _rows.RawValues;
        for (var r = 0; r < Rows; r++)
        {
            _best[r] = _blocks!.FindBest(values.AsSpan(r * 3, 3), out _);
        }

        return _best[^1];
    }
}
