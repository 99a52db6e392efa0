using System.Net;
using System.Text.Json.Nodes;
using Kohonen.Tracking.Mlflow;

namespace Kohonen.Tracking.Tests.Mlflow;

/// <summary>
/// The requests the MLflow store sends and the answers it reads, against fixtures written by hand from
/// MLflow's protos (mlflow/protos/service.proto) and REST documentation, not from this client's output.
/// </summary>
public sealed class MlflowContractTests : IDisposable
{
    private const string RunId = "0f5e1c3a9b7d4e2f8a6c1b3d5e7f9a0b";
    private readonly RecordingHandler _handler = new();
    private readonly MlflowTrackingStore _store;

    public MlflowContractTests() => _store = new MlflowTrackingStore(
        new MlflowClientOptions { TrackingUri = new Uri("http://mlflow.test:5000"), FirstRetryDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 3 },
        _handler);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Mlflow", "Fixtures", name));

    /// <summary>The JSON equals the fixture, where "&lt;any int64&gt;" in the fixture matches any whole number.</summary>
    private static void AssertMatches(string fixture, string actual)
    {
        var expected = JsonNode.Parse(Fixture(fixture))!.AsObject();
        var got = JsonNode.Parse(actual)!.AsObject();
        foreach (var (key, value) in expected)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var s) && s == "<any int64>")
            {
                Assert.True(got[key] is JsonValue g && g.TryGetValue<long>(out var n) && n > 1_600_000_000_000, $"{key}: {got[key]}");
                got.Remove(key);
                expected.Remove(key);
                break;
            }
        }

        Assert.True(JsonNode.DeepEquals(expected, got), $"expected {expected.ToJsonString()}\n     got {got.ToJsonString()}");
    }

    [Fact]
    public async Task CreatingAnExperimentAsksByNameThenCreates()
    {
        _handler.Answer(HttpStatusCode.NotFound, """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Could not find experiment with name 'colors'"}""");
        _handler.Answer(HttpStatusCode.OK, """{"experiment_id":"3"}""");

        var experiment = await _store.GetOrCreateExperimentAsync("colors", Token);

        Assert.Equal("3", experiment.ExperimentId);
        Assert.Equal("http://mlflow.test:5000/api/2.0/mlflow/experiments/get-by-name?experiment_name=colors", _handler.Requests[0].Uri.AbsoluteUri);
        Assert.Equal(HttpMethod.Post, _handler.Requests[1].Method);
        Assert.Equal("/api/2.0/mlflow/experiments/create", _handler.Requests[1].Uri.AbsolutePath);
        AssertMatches("experiments-create.request.json", _handler.Requests[1].Body);
    }

    [Fact]
    public async Task CreateRunSendsTheExperimentNameAndStartTime()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));

        var info = await _store.CreateRunAsync("3", "colors", Token);

        Assert.Equal("/api/2.0/mlflow/runs/create", _handler.Requests[0].Uri.AbsolutePath);
        AssertMatches("runs-create.request.json", _handler.Requests[0].Body);
        Assert.Equal((RunId, "3", "colors"), (info.RunId, info.ExperimentId, info.RunName));
    }

    [Fact]
    public async Task MetricsParamsAndTagsGoThroughLogBatchWithNamedNonFiniteValues()
    {
        await _store.LogMetricsAsync(RunId,
        [
            new Metric("quantization_error", 0.25, 10, 1700000000123),
            new Metric("topographic_error", double.NaN, 10, 1700000000123),
            new Metric("overflow", double.PositiveInfinity, 11, 1700000000124),
            new Metric("underflow", double.NegativeInfinity, 11, 1700000000124),
        ], Token);
        await _store.LogParamsAsync(RunId, new Dictionary<string, string> { ["width"] = "100", ["neighborhood"] = "gaussian" }, Token);
        await _store.SetTagsAsync(RunId, new Dictionary<string, string> { ["data_file"] = "colors.csv" }, Token);

        Assert.All(_handler.Requests, r => Assert.Equal("/api/2.0/mlflow/runs/log-batch", r.Uri.AbsolutePath));
        AssertMatches("log-batch-metrics.request.json", _handler.Requests[0].Body);
        AssertMatches("log-batch-params.request.json", _handler.Requests[1].Body);
        AssertMatches("log-batch-tags.request.json", _handler.Requests[2].Body);
    }

    [Fact]
    public async Task EndingARunUpdatesItsStatusAndEndTime()
    {
        _handler.Answer(HttpStatusCode.OK, """{"run_info":{"run_id":"x","experiment_id":"3","status":"KILLED","start_time":1}}""");

        await _store.EndRunAsync(RunId, RunStatus.Killed, Token);

        Assert.Equal("/api/2.0/mlflow/runs/update", _handler.Requests[0].Uri.AbsolutePath);
        AssertMatches("runs-update.request.json", _handler.Requests[0].Body);
    }

    [Fact]
    public async Task SearchSendsTheStatusFilterAndMetricOrder()
    {
        _handler.Answer(HttpStatusCode.OK, """{"runs":[]}""");

        await _store.SearchRunsAsync(new RunQuery { ExperimentIds = ["3", "4"], Status = RunStatus.Finished, OrderByMetric = "quantization_error", MaxResults = 5 }, Token);

        Assert.Equal("/api/2.0/mlflow/runs/search", _handler.Requests[0].Uri.AbsolutePath);
        AssertMatches("runs-search.request.json", _handler.Requests[0].Body);
    }

    [Fact]
    public async Task ARunIsReadWithItsLatestMetricsParamsAndOwnTags()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));

        var run = await _store.GetRunAsync(RunId, Token);

        Assert.Equal($"http://mlflow.test:5000/api/2.0/mlflow/runs/get?run_id={RunId}", _handler.Requests[0].Uri.AbsoluteUri);
        Assert.Equal(new RunInfo(RunId, "3", "colors", RunStatus.Finished, 1700000000000, 1700000004321), run.Info);
        Assert.Equal(new Metric("quantization_error", 0.0123, 1000, 1700000004000), run.Metrics["quantization_error"]);
        Assert.True(double.IsNaN(run.Metrics["topographic_error"].Value));
        Assert.Equal(("100", "100"), (run.Params["width"], run.Params["height"]));
        // MLflow's own mlflow.* tags are its bookkeeping, not the run's tags.
        Assert.Equal(["data_file"], run.Tags.Keys);
    }

    [Fact]
    public async Task ArtifactsGoThroughTheProxyUnderTheRunsArtifactLocation()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));
        _handler.Answer(HttpStatusCode.OK, "{}");
        _handler.Answer(HttpStatusCode.OK, "model bytes");

        await _store.LogArtifactAsync(RunId, "pictures/u matrix.png", new byte[] { 1, 2, 3 }, Token);
        var back = await _store.ReadArtifactAsync(RunId, "pictures/u matrix.png", Token);

        Assert.Equal(HttpMethod.Put, _handler.Requests[1].Method);
        Assert.Equal($"/api/2.0/mlflow-artifacts/artifacts/3/{RunId}/artifacts/pictures/u%20matrix.png", _handler.Requests[1].Uri.AbsolutePath);
        Assert.Equal(HttpMethod.Get, _handler.Requests[2].Method);
        Assert.Equal(_handler.Requests[1].Uri, _handler.Requests[2].Uri);
        Assert.Equal("model bytes"u8.ToArray(), back);
    }

    [Fact]
    public async Task AnArtifactPathThatLeavesTheRunIsRefusedBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<TrackingException>(() => _store.LogArtifactAsync(RunId, "../other/model.som", new byte[] { 1 }, Token));
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task A4xxCarriesMlflowsErrorCodeAndMessageAndIsNotRetried()
    {
        _handler.Answer(HttpStatusCode.BadRequest, Fixture("error-param-changed.response.json"));

        var e = await Assert.ThrowsAsync<MlflowException>(() => _store.LogParamsAsync(RunId, new Dictionary<string, string> { ["width"] = "50" }, Token));

        Assert.Equal("INVALID_PARAMETER_VALUE", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("(400 Bad Request): INVALID_PARAMETER_VALUE: Changing param values is not allowed.", e.Message, StringComparison.Ordinal);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task AMissingRunIsRunNotFound()
    {
        _handler.Answer(HttpStatusCode.NotFound, Fixture("error-run-missing.response.json"));

        var e = await Assert.ThrowsAsync<RunNotFoundException>(() => _store.GetRunAsync(RunId, Token));

        Assert.Contains(RunId, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers429And5xxAreRetriedUntilTheServerAnswers()
    {
        _handler.Answer(HttpStatusCode.ServiceUnavailable, "{}");
        _handler.Answer(HttpStatusCode.TooManyRequests, "{}", retryAfter: TimeSpan.FromMilliseconds(5));
        _handler.Answer(HttpStatusCode.BadGateway, "<html>proxy</html>");
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));

        var run = await _store.GetRunAsync(RunId, Token);

        Assert.Equal(RunId, run.Info.RunId);
        Assert.Equal(4, _handler.Requests.Count);
    }

    [Fact]
    public async Task RetriesEndAfterTheLimitWithTheLastAnswerInTheMessage()
    {
        for (var i = 0; i < 4; i++)
        {
            _handler.Answer(HttpStatusCode.ServiceUnavailable, """{"error_code":"TEMPORARILY_UNAVAILABLE","message":"database locked"}""");
        }

        var e = await Assert.ThrowsAsync<MlflowException>(() => _store.GetRunAsync(RunId, Token));

        Assert.Equal(4, _handler.Requests.Count);
        Assert.Contains("after 4 tries", e.Message, StringComparison.Ordinal);
        Assert.Contains("TEMPORARILY_UNAVAILABLE: database locked", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2500, 0, 0)]
    [InlineData(10, 250, 0)]
    [InlineData(950, 100, 100)]
    [InlineData(1000, 1, 1)]
    [InlineData(0, 0, 305)]
    public void LogBatchChunksKeepMlflowsLimitsAndEveryItemInOrder(int metrics, int parameters, int tags)
    {
        var m = Enumerable.Range(0, metrics).Select(i => new MlflowMetric($"m{i}", i, 0, i)).ToList();
        var p = Enumerable.Range(0, parameters).Select(i => new MlflowKeyValue($"p{i}", "v")).ToList();
        var t = Enumerable.Range(0, tags).Select(i => new MlflowKeyValue($"t{i}", "v")).ToList();

        var chunks = MlflowClient.LogBatchChunks("r", m, p, t).ToList();

        Assert.All(chunks, c =>
        {
            var (cm, cp, ct) = (c.Metrics?.Count ?? 0, c.Params?.Count ?? 0, c.Tags?.Count ?? 0);
            Assert.InRange(cm, 0, 1000);
            Assert.InRange(cp, 0, 100);
            Assert.InRange(ct, 0, 100);
            Assert.InRange(cm + cp + ct, 1, 1000);
        });
        Assert.Equal(m, chunks.SelectMany(c => c.Metrics ?? []));
        Assert.Equal(p, chunks.SelectMany(c => c.Params ?? []));
        Assert.Equal(t, chunks.SelectMany(c => c.Tags ?? []));
    }

    public void Dispose()
    {
        _store.Dispose();
        _handler.Dispose();
    }
}
