using BenchmarkDotNet.Attributes;

namespace Kohonen.Benchmarks;

/// <summary>
/// The batch map on rows with missing values against the same rows complete: 100,000 × 64 Gaussian
/// clusters on 40×40 for 10 epochs, once complete and once with 10 % of the cells blanked at random
/// (nearly every row then has a hole and takes the masked path). The aim: the rows with holes within
/// 2× of the complete rows' time. <c>--filter '*MissingValuesBenchmarks*'</c>; set
/// <c>KOHONEN_BENCH_ROWS</c> for a shorter run of fewer rows (the ratio, not the time, is the figure).
/// QE and TE are recorded beside the time (QE over the present features).
/// </summary>
[Config(typeof(QualityConfig))]
public class MissingValuesBenchmarks
{
    private const string Complete = "batch 100000x64 on 40x40 x10, complete";
    private const string Holes = "batch 100000x64 on 40x40 x10, 10% missing";

    private DataMatrix _complete = null!;
    private DataMatrix _holes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rows = int.TryParse(Environment.GetEnvironmentVariable("KOHONEN_BENCH_ROWS"), out var n) && n > 0 ? n : 100_000;
        (_complete, _holes) = Data(rows, 64, 0.1);
    }

    [Benchmark(Baseline = true, Description = Complete)]
    public double CompleteRows() => Train(Complete, _complete);

    [Benchmark(Description = Holes)]
    public double RowsWithHoles() => Train(Holes, _holes);

    private static double Train(string benchmark, DataMatrix data)
    {
        var options = new SomOptions { Width = 40, Height = 40, Iterations = 10, Algorithm = TrainingAlgorithm.Batch, Seed = 1 };
        var model = new SomTrainer(options).Fit(data);
        var (qe, te) = QualityMetrics.OfTraining(model, data);
        QualityColumn.Record(benchmark, qe, te);
        return qe;
    }

    /// <summary>10 Gaussian clusters (unit spread) around centres in [−5, 5]^dim, and the same rows with
    /// a share of cells set to NaN at random.</summary>
    internal static (DataMatrix Complete, DataMatrix Holes) Data(int rows, int dim, double missing)
    {
        var random = new Random(0);
        const int K = 10;
        var centres = Enumerable.Range(0, K * dim).Select(_ => (random.NextDouble() * 10) - 5).ToArray();
        var values = new float[rows * dim];
        for (var r = 0; r < rows; r++)
        {
            var c = random.Next(K);
            for (var f = 0; f < dim; f++)
            {
                var (u1, u2) = (1 - random.NextDouble(), random.NextDouble());
                values[(r * dim) + f] = (float)(centres[(c * dim) + f] + (Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));
            }
        }

        var holes = (float[])values.Clone();
        for (var i = 0; i < holes.Length; i++)
        {
            if (random.NextDouble() < missing)
            {
                holes[i] = float.NaN;
            }
        }

        return (new DataMatrix(values, rows, dim), new DataMatrix(holes, rows, dim));
    }
}
