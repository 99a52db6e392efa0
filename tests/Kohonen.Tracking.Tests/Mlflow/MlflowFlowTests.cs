using Kohonen.Tracking.Mlflow;

namespace Kohonen.Tracking.Tests.Mlflow;

/// <summary>The whole flow (train, log, search the best, download, load) over real HTTP against the
/// in-process MLflow stand-in, which enforces MLflow's documented rules.</summary>
public sealed class MlflowFlowTests : IAsyncLifetime
{
    private FakeMlflowServer _server = null!;
    private MlflowTrackingStore _store = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeMlflowServer.StartAsync();
        _store = new MlflowTrackingStore(new MlflowClientOptions { TrackingUri = _server.Address, FirstRetryDelay = TimeSpan.FromMilliseconds(1) });
    }

    public async ValueTask DisposeAsync()
    {
        _store.Dispose();
        await _server.DisposeAsync();
    }

    private static DataMatrix Colours(int seed)
    {
        var random = new Random(seed);
        return new DataMatrix([.. Enumerable.Range(0, 90).Select(_ => (float)random.NextDouble())], 30, 3, ["red", "green", "blue"]);
    }

    [Fact]
    public async Task TrainLogSearchTheBestDownloadAndLoad()
    {
        var data = Colours(1);
        var small = await TrainingRecorder.TrainAsync(_store, "colors", "small", new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 40, MetricsEvery = 10, Seed = 5, Sigma = 2 }), data,
            new Dictionary<string, string> { ["data_file"] = "colors" }, model => [("pictures/note.txt", "3x3"u8.ToArray())], cancellationToken: Token);
        var large = await TrainingRecorder.TrainAsync(_store, "colors", "large", new SomTrainer(new SomOptions { Width = 12, Height = 12, Iterations = 40, MetricsEvery = 10, Seed = 5 }), data,
            new Dictionary<string, string> { ["data_file"] = "colors" }, cancellationToken: Token);
        Assert.True(large.Model.QuantizationError(data) < small.Model.QuantizationError(data));

        var best = await ModelSelector.SelectAsync(_store, new SelectionRules { ExperimentName = "colors" }, Token);
        Assert.Equal(large.RunId, best.Info.RunId);
        var worst = await ModelSelector.SelectAsync(_store, new SelectionRules { Ascending = false }, Token);
        Assert.Equal(small.RunId, worst.Info.RunId);

        var run = await _store.GetRunAsync(small.RunId, Token);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal(("3", "3", "5"), (run.Params["width"], run.Params["height"], run.Params["seed"]));
        Assert.Equal("colors", run.Tags["data_file"]);
        var history = await _store.GetMetricHistoryAsync(small.RunId, "quantization_error", Token);
        Assert.Equal([10L, 20, 30, 40], history.Select(m => m.Step));
        Assert.Equal(small.Model.History.Select(h => h.QuantizationError), history.Select(m => m.Value));

        Assert.Equal(["model.som", "pictures/note.txt"], await _store.ListArtifactsAsync(small.RunId, Token));
        var loaded = SomFile.FromBytes(await _store.ReadArtifactAsync(best.Info.RunId, "model.som", Token), "model.som");
        Assert.Equal(large.Model.Codebook.ToArray(), loaded.Codebook.ToArray());
        Assert.Equal(large.Model.FindBmu([0.9f, 0.1f, 0.1f]), loaded.FindBmu([0.9f, 0.1f, 0.1f]));
    }

    [Fact]
    public async Task RunsAreRenamedDeletedWithTheirArtifactsAndFoundByPrefix()
    {
        var data = Colours(2);
        var tags = new Dictionary<string, string> { ["data_file"] = "colors" };
        var keep = await TrainingRecorder.TrainAsync(_store, "colors", "keep", new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 10, Seed = 1 }), data, tags,
            model => [("pictures/note.txt", "3x3"u8.ToArray())], cancellationToken: Token);
        var drop = await TrainingRecorder.TrainAsync(_store, "colors", "drop", new SomTrainer(new SomOptions { Width = 6, Height = 6, Iterations = 10, Seed = 1 }), data, tags,
            model => [("pictures/note.txt", "6x6"u8.ToArray())], cancellationToken: Token);
        Assert.Equal(4, _server.ArtifactCount);

        await _store.RenameRunAsync(keep.RunId, "kept", Token);
        await _store.DeleteRunAsync(drop.RunId, Token);
        var experiment = await _store.GetExperimentByNameAsync("colors", Token);
        await _store.RenameExperimentAsync(experiment!.ExperimentId, "colours", Token);

        Assert.Equal("kept", (await _store.GetRunAsync(keep.RunId, Token)).Info.RunName);
        Assert.Equal(2, _server.ArtifactCount);
        Assert.Equal(["model.som", "pictures/note.txt"], await _store.ListArtifactsAsync(keep.RunId, Token));
        Assert.Equal([keep.RunId], (await _store.SearchRunsAsync(new RunQuery(), Token)).Select(r => r.Info.RunId));
        Assert.Equal(keep.RunId, await RunIds.ResolveAsync(_store, keep.RunId[..6], Token));
        await Assert.ThrowsAsync<RunNotFoundException>(() => RunIds.ResolveAsync(_store, drop.RunId[..8], Token));
        Assert.Contains("colours", (await _store.ListExperimentsAsync(Token)).Select(e => e.Name));
        var choice = await ModelSelector.ChooseAsync(_store, new SelectionRules { ExperimentName = "colours" }, Token);
        Assert.Equal(keep.RunId, choice.Run.Info.RunId);
        Assert.StartsWith("lowest quantization_error ", choice.Reason, StringComparison.Ordinal);
        Assert.Contains("of 1 comparable run on colors", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AParamCannotChangeAndTheServersReasonComesBack()
    {
        var experiment = await _store.GetOrCreateExperimentAsync("rules", Token);
        var run = await _store.CreateRunAsync(experiment.ExperimentId, "r", Token);
        await _store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["width"] = "10" }, Token);
        await _store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["width"] = "10" }, Token);

        var e = await Assert.ThrowsAsync<MlflowException>(() => _store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["width"] = "11" }, Token));

        Assert.Equal("INVALID_PARAMETER_VALUE", e.ErrorCode);
        Assert.Contains("Changing param values is not allowed", e.Message, StringComparison.Ordinal);
        Assert.Equal("10", (await _store.GetRunAsync(run.RunId, Token)).Params["width"]);
    }

    [Fact]
    public async Task ManyItemsAreSplitIntoCallsTheServerAccepts()
    {
        var experiment = await _store.GetOrCreateExperimentAsync("big", Token);
        var run = await _store.CreateRunAsync(experiment.ExperimentId, "r", Token);
        var parameters = Enumerable.Range(0, 250).ToDictionary(i => $"p{i:000}", i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metrics = Enumerable.Range(0, 2345).Select(i => new Metric("loss", 1.0 / (i + 1), i, 1_700_000_000_000 + i)).ToList();

        await _store.LogParamsAsync(run.RunId, parameters, Token);
        await _store.LogMetricsAsync(run.RunId, metrics, Token);

        Assert.Equal(250, (await _store.GetRunAsync(run.RunId, Token)).Params.Count);
        Assert.Equal(metrics, await _store.GetMetricHistoryAsync(run.RunId, "loss", Token));
        Assert.Equal(3 + 3, _server.Requests.Count(r => r.EndsWith("/runs/log-batch", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SearchFollowsPagesOrdersByTheMetricAndPutsRunsWithoutItLast()
    {
        var experiment = await _store.GetOrCreateExperimentAsync("paging", Token);
        var values = new double?[] { 0.5, null, 0.1, 0.9, 0.3, null, 0.7, 0.2 };
        foreach (var value in values)
        {
            var run = await _store.CreateRunAsync(experiment.ExperimentId, $"v{value}", Token);
            if (value is { } v)
            {
                await _store.LogMetricsAsync(run.RunId, [new Metric("quantization_error", v, 1, 1)], Token);
            }

            await _store.EndRunAsync(run.RunId, RunStatus.Finished, Token);
        }

        var ascending = await _store.SearchRunsAsync(new RunQuery { ExperimentIds = [experiment.ExperimentId], OrderByMetric = "quantization_error", MaxResults = 7 }, Token);
        var descending = await _store.SearchRunsAsync(new RunQuery { OrderByMetric = "quantization_error", Ascending = false, Status = RunStatus.Finished }, Token);

        Assert.Equal(["v0.1", "v0.2", "v0.3", "v0.5", "v0.7", "v0.9", "v"], ascending.Select(r => r.Info.RunName));
        Assert.Equal(["v0.9", "v0.7", "v0.5", "v0.3", "v0.2", "v0.1", "v", "v"], descending.Select(r => r.Info.RunName));
        Assert.True(_server.Requests.Count(r => r.EndsWith("/runs/search", StringComparison.Ordinal)) >= 5, "the server's pages of 3 were followed");
    }

    [Fact]
    public async Task ServerErrorsAreRetriedAndTheFlowCarriesOn()
    {
        _server.FailNext(2, 503);
        var experiment = await _store.GetOrCreateExperimentAsync("flaky", Token);
        _server.FailNext(1, 429, retryAfter: "0");
        var run = await _store.CreateRunAsync(experiment.ExperimentId, "r", Token);

        Assert.Equal(RunStatus.Running, (await _store.GetRunAsync(run.RunId, Token)).Info.Status);
    }

    [Fact]
    public async Task ExperimentsAreFoundByNameAndById()
    {
        var created = await _store.GetOrCreateExperimentAsync("named", Token);

        Assert.Equal(created, await _store.GetOrCreateExperimentAsync("named", Token) with { CreationTime = created.CreationTime });
        Assert.Equal("named", (await _store.GetExperimentAsync(created.ExperimentId, Token))?.Name);
        Assert.Null(await _store.GetExperimentAsync("999", Token));
        Assert.Null(await _store.GetExperimentByNameAsync("nameless", Token));
    }

    [Fact]
    public async Task AnUnknownRunIsRunNotFound()
    {
        await Assert.ThrowsAsync<RunNotFoundException>(() => _store.GetRunAsync("00000000000000000000000000000000", Token));
        await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.SelectAsync(_store, new SelectionRules { RunId = "00000000000000000000000000000000" }, Token));
    }
}
