using Kohonen.Tests.Reference;

namespace Kohonen.Tests.Metrics;

/// <summary>The quality metrics through the planner's searches (bounded blocks below 8 features,
/// as the metrics run them) against a plain scan written here, and the history's sample against every row.</summary>
public class QualityMetricsSearchTests
{
    [Theory]
    [InlineData(3, 20, 15, false)]
    [InlineData(5, 13, 9, true)]
    [InlineData(2, 31, 4, false)]
    [InlineData(7, 11, 7, true)]
    public void QuantizationAndTopographicErrorsAreThoseOfAPlainScan(int dim, int width, int height, bool hexagonal)
    {
        var random = new Random(dim * width);
        var grid = new Grid(width, height, hexagonal ? Topology.Hexagonal : Topology.Rectangular);
        // Weights on a coarse lattice: many exact ties for the first and the second place.
        var codebook = Enumerable.Range(0, grid.NodeCount * dim).Select(_ => random.Next(0, 6) * 0.2f).ToArray();
        var rows = Enumerable.Range(0, 700).Select(r => Enumerable.Range(0, dim).Select(_ => r % 2 == 0 ? random.Next(0, 6) * 0.2f : random.NextSingle()).ToArray()).ToArray();
        var data = DataMatrix.FromRows(rows);

        var (qe, te) = QualityMetrics.OfCodebook(codebook, grid, dim, [data], 2);

        double distances = 0, apart = 0;
        foreach (var row in rows)
        {
            var (best, d2, second) = PlainScan.BestTwo(codebook, dim, row);
            distances += Math.Sqrt(d2);
            apart += grid.AreNeighbors(best, second) ? 0 : 1;
        }

        Assert.Equal(distances / rows.Length, qe);
        Assert.Equal(apart / rows.Length, te);
    }

    [Fact]
    public void TheHistorySampleMeasuresWithinHalfAPercentOfEveryRow()
    {
        // 200,000 rows of 4 features in 6 Gaussian clusters, in shuffled order.
        var random = new Random(11);
        var centres = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 4).Select(_ => (random.NextSingle() * 10) - 5).ToArray()).ToArray();
        var values = new float[200_000 * 4];
        for (var r = 0; r < 200_000; r++)
        {
            var c = centres[random.Next(6)];
            for (var f = 0; f < 4; f++)
            {
                values[(r * 4) + f] = c[f] + (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
        }

        var data = new DataMatrix(values, 200_000, 4);
        var sample = TrainingRun.HistorySample(new TrainingData.InMemory(data));
        Assert.Equal(TrainingRun.HistorySampleRows, sample.Rows);
        Assert.Equal(data.Row(200_000 - 4).ToArray(), sample.Row(TrainingRun.HistorySampleRows - 1).ToArray());

        // A map after one online pass and one after six batch epochs, both measured on the sample and on every row.
        foreach (var (algorithm, passes) in new[] { (TrainingAlgorithm.Online, 1), (TrainingAlgorithm.Batch, 6) })
        {
            var model = new SomTrainer(new SomOptions { Width = 12, Height = 10, Iterations = passes, Algorithm = algorithm, Seed = 3 }).Fit(data);
            var grid = model.Grid;
            var exact = QualityMetrics.OfCodebook(model.CodebookArray, grid, 4, [data], 2);
            var sampled = QualityMetrics.OfCodebook(model.CodebookArray, grid, 4, [sample], 2);

            Assert.True(Math.Abs(sampled.QuantizationError - exact.QuantizationError) <= 0.005 * exact.QuantizationError, $"QE {sampled.QuantizationError} on the sample, {exact.QuantizationError} on every row");
            Assert.True(Math.Abs(sampled.TopographicError - exact.TopographicError) <= 0.005, $"TE {sampled.TopographicError} on the sample, {exact.TopographicError} on every row");
        }
    }

    [Fact]
    public void OnLargeDataTheLastHistoryStepIsStillMeasuredOnEveryRow()
    {
        var random = new Random(5);
        var data = new DataMatrix(Enumerable.Range(0, 70_000 * 3).Select(_ => random.NextSingle()).ToArray(), 70_000, 3);
        var model = new SomTrainer(new SomOptions { Width = 6, Height = 6, Iterations = 4, Algorithm = TrainingAlgorithm.Batch, MetricsEvery = 1, Seed = 1 }).Fit(data);

        var exact = QualityMetrics.OfCodebook(model.CodebookArray, model.Grid, 3, [data], 1);

        Assert.Equal(4, model.History.Count);
        Assert.Equal(exact, (model.History[^1].QuantizationError, model.History[^1].TopographicError));
    }
}
