namespace Kohonen.Tracking.Tests;

public sealed class TrainingSessionTests : StoreFolder
{
    private static DataMatrix Rows(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return new DataMatrix([.. Enumerable.Range(0, rows * columns).Select(_ => (float)random.NextDouble())], rows, columns);
    }

    [Fact]
    public async Task AnUnrecordedSessionGivesTheTrainersMapItsMetricsAndPicturesDrawnOnce()
    {
        var data = Rows(40, 3, 1);
        var options = new SomOptions { Width = 6, Height = 5, Iterations = 20, Seed = 7 };
        var drawn = 0;
        var session = new TrainingSession(options, DataSource.FromMatrix(data))
        {
            Pictures = model =>
            {
                drawn++;
                return [new TrainingPicture("pictures/one.png", [1, 2, 3])];
            },
        };

        var outcome = await session.RunAsync(cancellationToken: Token);

        var reference = new SomTrainer(options).Fit(data);
        Assert.Equal(reference.Codebook.ToArray(), outcome.Model.Codebook.ToArray());
        Assert.Equal(reference.QuantizationError(data), outcome.QuantizationError, 12);
        Assert.Equal(reference.TopographicError(data), outcome.TopographicError, 12);
        Assert.Equal(1, drawn);
        Assert.Equal("one", Assert.Single(outcome.Pictures).Kind);
        Assert.Null(outcome.RunId);
        Assert.Null(outcome.ModelBytes);
        Assert.Empty(outcome.History);
        Assert.True(outcome.TrainTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task KeepModelBytesGivesTheModelFileOfTheTrainedMap()
    {
        var data = Rows(30, 2, 2);
        var session = new TrainingSession(new SomOptions { Width = 4, Height = 4, Iterations = 10, Seed = 3 }, DataSource.FromMatrix(data)) { KeepModelBytes = true };

        var outcome = await session.RunAsync(cancellationToken: Token);

        Assert.NotNull(outcome.ModelBytes);
        var read = SomFile.FromBytes(outcome.ModelBytes, "outcome");
        Assert.Equal(outcome.Model.Codebook.ToArray(), read.Codebook.ToArray());
        Assert.Equal(SomFile.ToBytes(outcome.Model), outcome.ModelBytes);
    }

    [Fact]
    public async Task ARecordedSessionStoresTheBytesPicturesAndMetricsItReturns()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var data = Rows(50, 3, 3);
        var drawn = 0;
        string? started = null;
        var session = new TrainingSession(new SomOptions { Width = 5, Height = 4, Iterations = 12, Seed = 9 }, DataSource.FromMatrix(data))
        {
            Recording = new RunRecording(store, "session", "recorded", new Dictionary<string, string> { ["data_file"] = "rows" }),
            Pictures = model =>
            {
                drawn++;
                return [new TrainingPicture("pictures/umatrix.png", [9, 8, 7])];
            },
            Started = id => started = id,
        };

        var outcome = await session.RunAsync(cancellationToken: Token);

        Assert.Equal(1, drawn);
        Assert.Equal(started, outcome.RunId);
        var run = await store.GetRunAsync(outcome.RunId!, Token);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal("rows", run.Tags["data_file"]);
        Assert.Equal("9", run.Params["seed"]);
        Assert.Equal(outcome.ModelBytes, await store.ReadArtifactAsync(outcome.RunId!, "model.som", Token));
        Assert.Equal([9, 8, 7], await store.ReadArtifactAsync(outcome.RunId!, "pictures/umatrix.png", Token));
        Assert.Equal(outcome.QuantizationError, run.Metrics["final_quantization_error"].Value);
        Assert.Equal(outcome.TopographicError, run.Metrics["final_topographic_error"].Value);
        Assert.Equal(outcome.TrainTime.TotalSeconds, run.Metrics["train_seconds"].Value);
        // Nothing measured during training: the final values stand for the last step.
        Assert.Equal([12L], (await store.GetMetricHistoryAsync(outcome.RunId!, "quantization_error", Token)).Select(m => m.Step));
    }

    [Theory]
    [InlineData(10, 10, 100, 300, 10)]     // 3·10⁴ per measurement, but one point per ten iterations: 10 points
    [InlineData(40, 40, 100, 100_000, 50)] // 1.6·10⁸ per measurement: 2 points, the least
    [InlineData(10, 10, 30, 300, 10)]      // 30 iterations: 3 points
    [InlineData(10, 10, 10, 300, 5)]       // 10 iterations: still 2 points
    [InlineData(20, 20, 1000, 5_000, 20)]  // 2·10⁶ per measurement and 1,000 iterations: 100 points allowed, 50 kept
    [InlineData(20, 20, 2000, 50_000, 200)] // 2·10⁷ per measurement: 10 points
    [InlineData(50, 50, 90, 20_000, 23)]   // 5·10⁷ per measurement: 4 points, ⌈90/4⌉ apart
    public void TheCurveHasAtMostFiftyPointsAndFewerOnShortTrainingsOrLargeData(int width, int height, int iterations, int rows, int spacing)
    {
        Assert.Equal(spacing, TrainingSession.CurveSpacing(new SomOptions { Width = width, Height = height, Iterations = iterations }, rows));
    }

    [Fact]
    public async Task MeasureCurveMeasuresEveryCurveSpacingIterations()
    {
        var data = Rows(20, 3, 4);
        var session = new TrainingSession(new SomOptions { Width = 4, Height = 3, Iterations = 100, Seed = 1 }, DataSource.FromMatrix(data)) { MeasureCurve = true };

        var outcome = await session.RunAsync(cancellationToken: Token);

        Assert.Equal(10, session.TrainingOptions.MetricsEvery);
        Assert.Equal(0, session.Options.MetricsEvery);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 10 * i), outcome.History.Select(h => h.Iteration));
    }

    [Fact]
    public async Task AStreamedSessionGivesTheMapAndMetricsOfTheSameRowsInMemory()
    {
        var data = Rows(101, 4, 5);
        var path = Path.Combine(Folder, "rows.npy");
        NpyFile.Write(path, data);
        var options = new SomOptions { Width = 5, Height = 5, Iterations = 8, Seed = 2, Algorithm = TrainingAlgorithm.Batch };
        using var reader = DataSource.FromNpy(path, 16);

        var streamed = await new TrainingSession(options, reader).RunAsync(cancellationToken: Token);
        var inMemory = await new TrainingSession(options, DataSource.FromMatrix(data)).RunAsync(cancellationToken: Token);

        Assert.Equal((101, 4), (reader.Rows, reader.Columns));
        Assert.Equal(inMemory.Model.Codebook.ToArray(), streamed.Model.Codebook.ToArray());
        Assert.Equal(inMemory.QuantizationError, streamed.QuantizationError, 9);
        Assert.Equal(inMemory.TopographicError, streamed.TopographicError, 12);
    }

    [Fact]
    public void OptionsThatCannotTrainAreRefusedWhenTheSessionIsMade()
    {
        var e = Assert.Throws<SomOptionsException>(() => new TrainingSession(new SomOptions { Width = 2, Height = 2 }, DataSource.FromMatrix(Rows(3, 2, 1))));
        Assert.Equal("Sigma", e.Option);
    }

    [Fact]
    public async Task ACancelledUnrecordedSessionThrows()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var session = new TrainingSession(new SomOptions { Width = 20, Height = 20, Iterations = 1_000_000, Seed = 1 }, DataSource.FromMatrix(Rows(20, 3, 6)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RunAsync(new ProgressCallback(p =>
        {
            if (p.Iteration == 3)
            {
                cancellation.Cancel();
            }
        }), cancellation.Token));
    }
}
