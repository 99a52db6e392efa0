using BenchmarkDotNet.Attributes;
using Kohonen.Data;
using Kohonen.Metrics;
using Kohonen.Training;

namespace Kohonen.Benchmarks;

/// <summary>
/// Whole trainings: the colour demo (20 colours, 100×100, 1,000 iterations, classic schedule) with
/// and without the neighbourhood cut-off, and the 1,000 × 3 workload of the Python original on three
/// map sizes. QE and TE are recorded beside the time (see <see cref="QualityColumn"/>).
/// </summary>
[Config(typeof(QualityConfig))]
public class TrainerBenchmarks
{
    private DataMatrix _colors = null!;
    private DataMatrix _uniform = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0);
        _colors = new DataMatrix([.. Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble())], 20, 3);
        _uniform = new DataMatrix([.. Enumerable.Range(0, 3000).Select(_ => (float)random.NextDouble())], 1000, 3);
    }

    [Benchmark(Description = "colours 100x100 x1000 (cut-off)")]
    public double ColorDemo() => Train(_colors, 100, 1000, exact: false);

    [Benchmark(Description = "colours 100x100 x1000 (exact)")]
    public double ColorDemoExact() => Train(_colors, 100, 1000, exact: true);

    [Benchmark(Description = "1000x3 on 10x10 x100")]
    public double Uniform10() => Train(_uniform, 10, 100, exact: false);

    [Benchmark(Description = "1000x3 on 30x30 x100")]
    public double Uniform30() => Train(_uniform, 30, 100, exact: false);

    [Benchmark(Description = "1000x3 on 50x50 x100")]
    public double Uniform50() => Train(_uniform, 50, 100, exact: false);

    /// <summary>Trains and records the map's quality for the report.</summary>
    private static double Train(DataMatrix data, int side, int iterations, bool exact)
    {
        var model = new SomTrainer(new SomOptions { Width = side, Height = side, Iterations = iterations, Seed = 1, ExactNeighborhood = exact }).Fit(data);
        var qe = QualityMetrics.QuantizationError(model, data);
        QualityColumn.Record(side, iterations, exact, qe, QualityMetrics.TopographicError(model, data));
        return qe;
    }
}
