
namespace Kohonen.Tracking.Tests;

public sealed class TrainingRecorderTests : StoreFolder
{
    private static DataMatrix Colours()
    {
        var random = new Random(4);
        return new DataMatrix([.. Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble())], 20, 3, ["red", "green", "blue"]);
    }

    [Fact]
    public async Task AFinishedTrainingLeavesParamsMetricHistoryFinalMetricsAndArtifacts()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var trainer = new SomTrainer(new SomOptions { Width = 8, Height = 6, Iterations = 20, MetricsEvery = 5 });

        var recorded = await TrainingRecorder.TrainAsync(store, "colors", "first", trainer, Colours(),
            new Dictionary<string, string> { ["data"] = "colours" },
            model => [("pictures/extra.bin", [7, 7])], cancellationToken: Token);

        var run = await store.GetRunAsync(recorded.RunId, Token);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal(("8", "6", "gaussian"), (run.Params["width"], run.Params["height"], run.Params["neighborhood"]));
        Assert.Equal(recorded.Model.Options!.Seed.ToString(), run.Params["seed"]);
        Assert.Equal("colours", run.Tags["data"]);
        var history = await store.GetMetricHistoryAsync(recorded.RunId, "quantization_error", Token);
        Assert.Equal([5L, 10, 15, 20], history.Select(m => m.Step));
        Assert.Equal(recorded.Model.History.Select(h => h.QuantizationError), history.Select(m => m.Value));
        Assert.Equal(recorded.Model.QuantizationError(Colours()), run.Metrics["final_quantization_error"].Value, 12);
        Assert.Equal(["model.som", "pictures/extra.bin"], await store.ListArtifactsAsync(recorded.RunId, Token));
        var saved = SomFile.FromBytes(await store.ReadArtifactAsync(recorded.RunId, "model.som", Token), "model.som");
        Assert.Equal(recorded.Model.Codebook.ToArray(), saved.Codebook.ToArray());
    }

    [Fact]
    public async Task ACancelledTrainingEndsKilledAndKeepsTheMetricsMeasuredSoFar()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var trainer = new SomTrainer(new SomOptions { Width = 30, Height = 30, Iterations = 1_000_000, MetricsEvery = 1, Seed = 1 });
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TrainingRecorder.TrainAsync(store, "colors", "stopped", trainer, Colours(),
            progress: new ProgressCallback(p =>
            {
                if (p.Iteration == 6)
                {
                    cancellation.Cancel();
                }
            }),
            cancellationToken: cancellation.Token));

        var run = (await store.SearchRunsAsync(new RunQuery(), Token)).Single();
        Assert.Equal(RunStatus.Killed, run.Info.Status);
        var history = await store.GetMetricHistoryAsync(run.Info.RunId, "quantization_error", Token);
        Assert.True(history.Count >= 6, $"{history.Count} steps kept");
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(m => m.Step));
        Assert.Empty(await store.ListArtifactsAsync(run.Info.RunId, Token));
    }

    [Fact]
    public async Task AFailedTrainingEndsFailed()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var bad = DataMatrix.FromRows([[1f, 2f], [float.PositiveInfinity, 0f]]);

        await Assert.ThrowsAsync<ArgumentException>(() => TrainingRecorder.TrainAsync(store, "e", "bad", new SomTrainer(new SomOptions()), bad, cancellationToken: Token));

        Assert.Equal(RunStatus.Failed, (await store.SearchRunsAsync(new RunQuery(), Token)).Single().Info.Status);
    }
}
