
namespace Kohonen.Tests.Training;

public class SomTrainerTests
{
    [Fact]
    public void ProgressIsReportedAfterEveryIterationWithTheScheduleAndTheQuantizationErrorWhenAsked()
    {
        var reports = new List<TrainingProgress>();
        var options = new SomOptions { Width = 6, Height = 6, Iterations = 10, Seed = 1, MetricsEvery = 5 };

        var model = new SomTrainer(options).Fit(TestData.Matrix(TestData.Uniform(30, 3, 2)), new ProgressCallback(reports.Add));

        Assert.Equal(Enumerable.Range(1, 10), reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(10, r.TotalIterations));
        var schedule = new TrainingSchedule(options);
        Assert.Equal(schedule.Sigma(3), reports[3].Sigma);
        Assert.Equal(schedule.LearningRate(3), reports[3].LearningRate);
        Assert.Equal([4, 9], reports.Select((r, i) => (r, i)).Where(p => p.r.QuantizationError is not null).Select(p => p.i));
        Assert.Equal(model.QuantizationError(TestData.Matrix(TestData.Uniform(30, 3, 2))), reports[^1].QuantizationError!.Value, 6);
        Assert.Equal(model.TopographicError(TestData.Matrix(TestData.Uniform(30, 3, 2))), reports[^1].TopographicError!.Value, 6);
        Assert.Equal([5, 10], model.History.Select(h => h.Iteration));
        Assert.Equal(reports[4].QuantizationError, model.History[0].QuantizationError);
    }

    [Fact]
    public void ACancelledTrainingStopsWithOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var options = new SomOptions { Width = 20, Height = 20, Iterations = 100_000, Seed = 1 };
        var trainer = new SomTrainer(options);
        var calls = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(
            TestData.Matrix(TestData.Uniform(50, 3, 1)),
            new ProgressCallback(_ =>
            {
                if (++calls == 3)
                {
                    cancellation.Cancel();
                }
            }),
            cancellation.Token));
        Assert.Equal(3, calls);
    }

    [Fact]
    public void TrainingOrdersTheMapSoTheQuantizationErrorFallsFarBelowTheStart()
    {
        var data = TestData.Matrix(TestData.Clusters(200, 4, k: 6, seed: 3));
        var untrained = new SomTrainer(new SomOptions { Width = 8, Height = 8, Iterations = 1, LearningRate = 1e-9, Seed = 5 }).Fit(data);

        foreach (var algorithm in Enum.GetValues<TrainingAlgorithm>())
        {
            var trained = new SomTrainer(new SomOptions { Width = 8, Height = 8, Iterations = 50, Seed = 5, Algorithm = algorithm }).Fit(data);

            Assert.True(trained.QuantizationError(data) < untrained.QuantizationError(data) / 4,
                $"{algorithm}: {trained.QuantizationError(data)} vs untrained {untrained.QuantizationError(data)}");
            Assert.True(trained.TopographicError(data) < 0.2, $"{algorithm}: TE {trained.TopographicError(data)}");
        }
    }

    [Fact]
    public void PcaInitialisationLaysTheGridAlongTheDataLine()
    {
        // Points on the line y = 2x: the first component; the second has no spread.
        var rows = Enumerable.Range(0, 21).Select(i => new[] { i / 10f, i / 5f }).ToArray();
        var model = new SomTrainer(new SomOptions { Width = 5, Height = 1, Iterations = 1, LearningRate = 1e-9, Sigma = 2, SigmaDecay = Decay.Linear, LearningRateDecay = Decay.Linear, Initialization = Initialization.Pca })
            .Fit(TestData.Matrix(rows));

        var x = Enumerable.Range(0, 5).Select(i => model.GetWeights(i, 0)).ToArray();
        Assert.All(x, w => Assert.Equal(2 * w[0], w[1], 4));
        // Evenly spread over mean ± √λ₁: the ends are symmetric around the mean (1, 2).
        Assert.Equal(2.0, x[0][0] + x[4][0], 4);
        Assert.True(Math.Abs(x[4][0] - x[0][0]) > 1, "the grid spans the data");
    }

    [Fact]
    public void SampleInitialisationStartsEveryNodeOnADistinctSample()
    {
        var rows = Enumerable.Range(0, 30).Select(i => new[] { (float)i, 0f }).ToArray();
        var model = new SomTrainer(new SomOptions { Width = 5, Height = 5, Iterations = 1, LearningRate = 1e-9, Initialization = Initialization.Sample, Seed = 2 })
            .Fit(TestData.Matrix(rows));

        var firsts = Enumerable.Range(0, 25).Select(k => model.GetWeights(k % 5, k / 5)[0]).ToArray();
        Assert.Equal(25, firsts.Select(v => MathF.Round(v)).Distinct().Count());
    }

    [Fact]
    public void TrainingDataWithAnInfinityIsRefusedNamingTheCell()
    {
        var data = DataMatrix.FromRows([[1f, 2f], [3f, float.PositiveInfinity]]);

        var error = Assert.Throws<ArgumentException>(() => new SomTrainer(new SomOptions()).Fit(data));

        Assert.StartsWith("Row 1, column 1 ('x1') is Infinity; only finite numbers, or NaN for a missing value, are allowed.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindBmuReturnsTheGridPositionAndDistance()
    {
        var model = SomModel.Create(new Grid(3, 2), [0f, 1f, 2f, 3f, 4f, 5f], 1);

        Assert.Equal(new Bmu(1, 1, 4, 0.25f), model.FindBmu([4.25f]));
        Assert.Throws<ArgumentException>(() => model.FindBmu([1f, 2f]));
        Assert.Throws<ArgumentException>(() => model.FindBmu([float.NaN]));
    }

    public static TheoryData<SomOptions, int> Preparations() => new()
    {
        { new SomOptions { Width = 50, Height = 50, Iterations = 3, Seed = 4 }, 3 },
        { new SomOptions { Width = 9, Height = 8, Iterations = 4, Seed = 4, Topology = Topology.Hexagonal, Toroidal = true }, 2 },
        { new SomOptions { Width = 12, Height = 10, Iterations = 3, Seed = 4, Algorithm = TrainingAlgorithm.Batch, Initialization = Initialization.Pca }, 20 },
        { new SomOptions { Width = 8, Height = 8, Iterations = 3, Seed = 4, Initialization = Initialization.Given }, 9 },
    };

    [Theory]
    [MemberData(nameof(Preparations))]
    public void PreparingChangesNothingAFitReturns(SomOptions options, int features)
    {
        var data = TestData.Matrix(TestData.Uniform(60, features, 7));
        var codebook = Enumerable.Range(0, options.Width * options.Height * features).Select(i => (i % 13) / 13f).ToArray();
        byte[] Fit(SomTrainer trainer) => SomFile.ToBytes(options.Initialization == Initialization.Given
            ? trainer.Fit(DataSource.FromMatrix(data), codebook)
            : trainer.Fit(data));
        var before = Fit(new SomTrainer(options));
        var trainer = new SomTrainer(options);

        Assert.Null(trainer.TryPrepare(features));
        trainer.Prepare(features + 1);

        Assert.Equal(before, Fit(trainer));
        Assert.Same(options, trainer.Options);
    }

    [Fact]
    public void PreparingForNoFeaturesIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SomTrainer(new SomOptions()).Prepare(0));
}
