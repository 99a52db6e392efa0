using BenchmarkDotNet.Attributes;

namespace Kohonen.Benchmarks;

/// <summary>
/// Online training on wide rows: one pass (one iteration) of 60,000 × 784 rows, 10 Gaussian clusters,
/// on a 30×30 map (σ = 15 throughout, so every node moves for every sample). The unfused loops (a
/// search, then an update: the codebook read twice and written once a sample; the baseline) against
/// the fused step (<see cref="WideOnlineTraining"/>: read and written once) on one thread, on two,
/// and as the trainer runs it (two threads while they prove faster). All four give the same codebook,
/// bit for bit, so the QE and TE columns agree. <c>--filter '*WideOnlineBenchmarks*'</c>; set
/// <c>KOHONEN_BENCH_ROWS</c> for a shorter run of fewer rows (the ratios, not the times, are then
/// the figures).
/// </summary>
[Config(typeof(QualityConfig))]
public class WideOnlineBenchmarks
{
    private const string Unfused = "60000x784 on 30x30, one pass: unfused loops";
    private const string OneThread = "60000x784 on 30x30, one pass: fused, 1 thread";
    private const string TwoThreads = "60000x784 on 30x30, one pass: fused, 2 threads";
    private const string AsTrained = "60000x784 on 30x30, one pass: fused, as trained";
    private const int Dim = 784;

    private readonly SomOptions _options = new() { Width = 30, Height = 30, Iterations = 1, Seed = 1, MaxDegreeOfParallelism = 2 };
    private DataMatrix _data = null!;
    private float[] _codebook = [];
    private string _benchmark = "";

    [GlobalSetup]
    public void Setup()
    {
        var rows = int.TryParse(Environment.GetEnvironmentVariable("KOHONEN_BENCH_ROWS"), out var n) && n > 0 ? n : 60_000;
        var random = new Random(0);
        const int K = 10;
        var centres = Enumerable.Range(0, K * Dim).Select(_ => (random.NextDouble() * 10) - 5).ToArray();
        var values = new float[rows * Dim];
        for (var r = 0; r < rows; r++)
        {
            var c = random.Next(K);
            for (var f = 0; f < Dim; f++)
            {
                var (u1, u2) = (1 - random.NextDouble(), random.NextDouble());
                values[(r * Dim) + f] = (float)(centres[(c * Dim) + f] + (Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));
            }
        }

        _data = new DataMatrix(values, rows, Dim);
    }

    /// <summary>Measures the last training's map (outside the timed runs) for the QE and TE columns.</summary>
    [GlobalCleanup]
    public void RecordQuality()
    {
        var (qe, te) = QualityMetrics.OfCodebook(_codebook, _options.CreateGrid(), Dim, [_data], 2);
        QualityColumn.Record(_benchmark, qe, te);
    }

    [Benchmark(Baseline = true, Description = Unfused)]
    public float UnfusedLoops() => Train(Unfused, (codebook, grid, run, random) => OnlineTrainer.Train(codebook, grid, run, random, fuse: false));

    [Benchmark(Description = OneThread)]
    public float FusedOneThread() => Train(OneThread, (codebook, grid, run, random) => WideOnlineTraining.Train(codebook, grid, run, random, threads: 1));

    [Benchmark(Description = TwoThreads)]
    public float FusedTwoThreads() => Train(TwoThreads, (codebook, grid, run, random) => WideOnlineTraining.Train(codebook, grid, run, random, threads: 2));

    [Benchmark(Description = AsTrained)]
    public float FusedAsTrained() => Train(AsTrained, (codebook, grid, run, random) => OnlineTrainer.Train(codebook, grid, run, random));

    /// <summary>One training from the seeded random codebook; returns a weight so that it is used.</summary>
    private float Train(string benchmark, Action<float[], Grid, TrainingRun, SomRandom> train)
    {
        var grid = _options.CreateGrid();
        var random = new SomRandom(1);
        var rows = new TrainingData.InMemory(_data);
        var codebook = CodebookInitializer.Create(rows, grid, _options.Initialization, random);
        train(codebook, grid, new TrainingRun(rows, _options, grid, 2, null, CancellationToken.None), random);
        (_codebook, _benchmark) = (codebook, benchmark);
        return codebook[0];
    }
}
