using BenchmarkDotNet.Attributes;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>
/// Predictions on a trained 50×50 map of 3 features (the 1,000 × 3 uniform workload, 100 iterations):
/// 1,000,000 uniform rows through <see cref="SomModel.FindBmus"/> on every core and on one, and
/// the searches it can use on one thread: the planar scan of every
/// node (the baseline), the bounded blocks that measure only the nodes near the input (row by row,
/// through every box's bound), and the same blocks through their grid of cells, 1,000 rows a call
/// (each row measures its cell's blocks only; <see cref="SomModel.FindBmus"/> goes through it once a
/// model has searched enough rows). All give the scan's answers bit for bit (tests in
/// <c>BoundedBlocksTests</c> and <c>BoundedBlocksCellsTests</c>).
/// </summary>
public class PredictionBenchmarks
{
    private const int Rows = 1_000_000;
    private SomModel _model = null!;
    private DataMatrix _rows = null!;
    private float[] _planes = [];
    private BoundedBlocks? _blocks;
    private BoundedBlocks? _cells;
    private int[] _best = [];
    private float[] _distances = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var training = new DataMatrix([.. Enumerable.Range(0, 3000).Select(_ => random.NextSingle())], 1000, 3);
        _model = new SomTrainer(new SomOptions { Width = 50, Height = 50, Iterations = 100, Seed = 1 }).Fit(training);
        _rows = new DataMatrix([.. Enumerable.Range(0, Rows * 3).Select(_ => random.NextSingle())], Rows, 3);
        _planes = CodebookLayout.ToPlanes(_model.CodebookArray, 3);
        _blocks = BoundedBlocks.IsSupported(3) ? new BoundedBlocks(_model.Codebook, 3) : null;
        _cells = BoundedBlocks.IsSupported(3) ? new BoundedBlocks(_model.Codebook, 3) : null;
        _cells?.PrepareCells();
        _best = new int[Rows];
        _distances = new float[Rows];
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

    [Benchmark(Description = "1M bounded-block searches through the grid of cells, 1,000 a call, one thread")]
    public int BoundedBlockCellSearch()
    {
        var values = _rows.RawValues;
        for (var r = 0; r < Rows; r += 1000)
        {
            _cells!.FindBest(values.AsSpan(r * 3, 3000), _best.AsSpan(r, 1000), _distances.AsSpan(r, 1000));
        }

        return _best[^1];
    }
}
