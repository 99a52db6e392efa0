using BenchmarkDotNet.Attributes;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>
/// A batch of predictions as the service's <c>/predict-batch</c> takes it: 1,000 rows of 16 or 64
/// features against a 20×15 map, through <see cref="SomModel.FindBmus"/> (the search planner sends
/// each 256-row block through the blocked search where the processor has its vectors), against the
/// same rows searched one at a time node by node, on one thread. Both give the scan's answers (tests
/// in <c>SearchPlannerTests</c>).
/// </summary>
public class BatchPredictionBenchmarks
{
    private const int Rows = 1000;
    private SomModel _model = null!;
    private DataMatrix _rows = null!;
    private int[] _best = [];

    [Params(16, 64)]
    public int Dim { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var codebook = Enumerable.Range(0, 300 * Dim).Select(_ => random.NextSingle()).ToArray();
        _model = SomModel.Create(new Grid(20, 15), codebook, Dim);
        _rows = new DataMatrix([.. Enumerable.Range(0, Rows * Dim).Select(_ => random.NextSingle())], Rows, Dim);
        _best = new int[Rows];
        _model.FindBmus(_rows, maxThreads: 1); // the blocked layout, made once per model
    }

    [Benchmark(Description = "1,000 FindBmus (planned), one thread")]
    public int FindBmus() => _model.FindBmus(_rows, maxThreads: 1)[^1].Index;

    [Benchmark(Baseline = true, Description = "1,000 node-by-node searches, one thread")]
    public int RowByRow()
    {
        var values = _rows.RawValues;
        for (var r = 0; r < Rows; r++)
        {
            _best[r] = BmuSearch.FindBest(_model.CodebookArray, Dim, values.AsSpan(r * Dim, Dim), 0, 300, out _);
        }

        return _best[^1];
    }
}
