using BenchmarkDotNet.Attributes;

namespace Kohonen.Benchmarks;

/// <summary>
/// Whole trainings. Online: the colour demo (20 colours, 100×100, 1,000 iterations, classic schedule)
/// with and without the neighbourhood cut-off, the 1,000 × 3 workload of the Python original on
/// three map sizes and on an awkward one (37×23: rows that are not whole vectors). Batch: 100,000 × 64
/// Gaussian clusters on 40×40 for 10 epochs (the C++ library's ground), 20,000 × 13 on 37×23, small
/// data with many epochs (1,797 × 64 like scikit-learn's digits, 20×20, 50 epochs) and wide data
/// (16,000 × 300, 25×15, 100 epochs). QE and TE are recorded beside the time (see
/// <see cref="QualityColumn"/>). The batch trainings alone: <c>--anyCategories batch</c>.
/// </summary>
[Config(typeof(QualityConfig))]
public class TrainerBenchmarks
{
    private const string Colors = "colours 100x100 x1000 (cut-off)";
    private const string ColorsExact = "colours 100x100 x1000 (exact)";
    private const string Uniform10 = "1000x3 on 10x10 x100";
    private const string Uniform30 = "1000x3 on 30x30 x100";
    private const string Uniform50 = "1000x3 on 50x50 x100";
    private const string UniformAwkward = "1000x3 on 37x23 x100";
    private const string Blobs = "batch 100000x64 on 40x40 x10";
    private const string BatchAwkward = "batch 20000x13 on 37x23 x20";
    private const string Digits = "batch 1797x64 (digits-like) on 20x20 x50";
    private const string Wide = "batch 16000x300 on 25x15 x100";

    private DataMatrix _colors = null!;
    private DataMatrix _uniform = null!;
    private DataMatrix _blobs = null!;
    private DataMatrix _clusters13 = null!;
    private DataMatrix _digits = null!;
    private DataMatrix _wide = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0);
        _colors = new DataMatrix([.. Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble())], 20, 3);
        _uniform = new DataMatrix([.. Enumerable.Range(0, 3000).Select(_ => (float)random.NextDouble())], 1000, 3);
        _blobs = Clusters(random, 100_000, 64, 10);
        _clusters13 = Clusters(random, 20_000, 13, 7);
        _digits = DigitsLike(random, 1_797);
        _wide = Clusters(random, 16_000, 300, 12);
    }

    [Benchmark(Description = Colors)]
    public double ColorDemo() => Train(Colors, _colors, new SomOptions { Width = 100, Height = 100, Iterations = 1000 });

    [Benchmark(Description = ColorsExact)]
    public double ColorDemoExact() => Train(ColorsExact, _colors, new SomOptions { Width = 100, Height = 100, Iterations = 1000, ExactNeighborhood = true });

    [Benchmark(Description = Uniform10)]
    public double OnUniform10() => Train(Uniform10, _uniform, new SomOptions { Width = 10, Height = 10, Iterations = 100 });

    [Benchmark(Description = Uniform30)]
    public double OnUniform30() => Train(Uniform30, _uniform, new SomOptions { Width = 30, Height = 30, Iterations = 100 });

    [Benchmark(Description = Uniform50)]
    public double OnUniform50() => Train(Uniform50, _uniform, new SomOptions { Width = 50, Height = 50, Iterations = 100 });

    [Benchmark(Description = UniformAwkward)]
    public double OnUniformAwkward() => Train(UniformAwkward, _uniform, new SomOptions { Width = 37, Height = 23, Iterations = 100 });

    [Benchmark(Description = Blobs)]
    [BenchmarkCategory("batch")]
    public double BatchBlobs() => Train(Blobs, _blobs, new SomOptions { Width = 40, Height = 40, Iterations = 10, Algorithm = TrainingAlgorithm.Batch });

    [Benchmark(Description = BatchAwkward)]
    [BenchmarkCategory("batch")]
    public double BatchOnAwkward() => Train(BatchAwkward, _clusters13, new SomOptions { Width = 37, Height = 23, Iterations = 20, Algorithm = TrainingAlgorithm.Batch });

    [Benchmark(Description = Digits)]
    [BenchmarkCategory("batch")]
    public double BatchDigits() => Train(Digits, _digits, new SomOptions { Width = 20, Height = 20, Iterations = 50, Algorithm = TrainingAlgorithm.Batch });

    [Benchmark(Description = Wide)]
    [BenchmarkCategory("batch")]
    public double BatchWide() => Train(Wide, _wide, new SomOptions { Width = 25, Height = 15, Iterations = 100, Algorithm = TrainingAlgorithm.Batch });

    /// <summary>Trains (seed 1) and records the map's quality for the report.</summary>
    private static double Train(string benchmark, DataMatrix data, SomOptions options)
    {
        var model = new SomTrainer(options with { Seed = 1 }).Fit(data);
        var (qe, te) = QualityMetrics.OfTraining(model, data);
        QualityColumn.Record(benchmark, qe, te);
        return qe;
    }

    /// <summary>Rows like scikit-learn's digits: 8×8 images of ten classes, each pixel an integer in
    /// 0..16 (a class's stroke pattern with noise, so classes overlap as handwriting does).</summary>
    private static DataMatrix DigitsLike(Random random, int rows)
    {
        const int pixels = 64;
        var patterns = Enumerable.Range(0, 10 * pixels).Select(_ => random.NextDouble() < 0.4 ? 4 + (random.NextDouble() * 12) : random.NextDouble() * 3).ToArray();
        var values = new float[rows * pixels];
        for (var r = 0; r < rows; r++)
        {
            var c = r % 10;
            for (var f = 0; f < pixels; f++)
            {
                var v = patterns[(c * pixels) + f] + ((random.NextDouble() - 0.5) * 8);
                values[(r * pixels) + f] = (float)Math.Clamp(Math.Round(v), 0, 16);
            }
        }

        return new DataMatrix(values, rows, pixels);
    }

    /// <summary>k Gaussian clusters (unit spread) around centres in [−5, 5]^dim.</summary>
    private static DataMatrix Clusters(Random random, int rows, int dim, int k)
    {
        var centres = Enumerable.Range(0, k * dim).Select(_ => (random.NextDouble() * 10) - 5).ToArray();
        var values = new float[rows * dim];
        for (var r = 0; r < rows; r++)
        {
            var c = random.Next(k);
            for (var f = 0; f < dim; f++)
            {
                var (u1, u2) = (1 - random.NextDouble(), random.NextDouble());
                values[(r * dim) + f] = (float)(centres[(c * dim) + f] + (Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));
            }
        }

        return new DataMatrix(values, rows, dim);
    }
}
