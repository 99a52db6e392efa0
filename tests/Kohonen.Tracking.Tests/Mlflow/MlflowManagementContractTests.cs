using System.Net;
using System.Text.Json.Nodes;
using Kohonen.Tracking.Mlflow;

namespace Kohonen.Tracking.Tests.Mlflow;

/// <summary>
/// The requests of the store's management operations (delete, rename, experiments, id prefixes), against
/// fixtures written by hand from MLflow's protos: DeleteRun, UpdateRun (run_name), UpdateExperiment and
/// SearchExperiments in service.proto, DeleteArtifact in mlflow_artifacts.proto.
/// </summary>
public sealed class MlflowManagementContractTests : IDisposable
{
    private const string RunId = "0f5e1c3a9b7d4e2f8a6c1b3d5e7f9a0b";
    private readonly RecordingHandler _handler = new();
    private readonly MlflowTrackingStore _store;

    public MlflowManagementContractTests() => _store = new MlflowTrackingStore(
        new MlflowClientOptions { TrackingUri = new Uri("http://mlflow.test:5000"), FirstRetryDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 3 },
        _handler);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Mlflow", "Fixtures", name));

    private static void AssertJson(string fixture, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Fixture(fixture)), JsonNode.Parse(actual)), $"expected {Fixture(fixture)}\n     got {actual}");

    [Fact]
    public async Task DeletingARunDeletesItsArtifactFolderThroughTheProxyThenTheRun()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));

        await _store.DeleteRunAsync(RunId, Token);

        Assert.Equal(3, _handler.Requests.Count);
        Assert.Equal((HttpMethod.Get, "/api/2.0/mlflow/runs/get"), (_handler.Requests[0].Method, _handler.Requests[0].Uri.AbsolutePath));
        Assert.Equal((HttpMethod.Delete, $"/api/2.0/mlflow-artifacts/artifacts/3/{RunId}/artifacts"), (_handler.Requests[1].Method, _handler.Requests[1].Uri.AbsolutePath));
        Assert.Equal((HttpMethod.Post, "/api/2.0/mlflow/runs/delete"), (_handler.Requests[2].Method, _handler.Requests[2].Uri.AbsolutePath));
        AssertJson("runs-delete.request.json", _handler.Requests[2].Body);
    }

    [Fact]
    public async Task DeletingARunWithoutArtifactsStillDeletesTheRun()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));
        _handler.Answer(HttpStatusCode.NotFound, """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"No such file or directory"}""");

        await _store.DeleteRunAsync(RunId, Token);

        Assert.Equal("/api/2.0/mlflow/runs/delete", _handler.Requests[2].Uri.AbsolutePath);
    }

    [Fact]
    public async Task RenamingARunSendsOnlyItsNewNameToRunsUpdate()
    {
        await _store.RenameRunAsync(RunId, "colors, best so far", Token);

        Assert.Equal((HttpMethod.Post, "/api/2.0/mlflow/runs/update"), (_handler.Requests[0].Method, _handler.Requests[0].Uri.AbsolutePath));
        AssertJson("runs-update-name.request.json", _handler.Requests[0].Body);
    }

    [Fact]
    public async Task RenamingAnUnknownRunIsRunNotFound()
    {
        _handler.Answer(HttpStatusCode.NotFound, Fixture("error-run-missing.response.json"));

        await Assert.ThrowsAsync<RunNotFoundException>(() => _store.RenameRunAsync(RunId, "x", Token));
    }

    [Fact]
    public async Task RenamingAnExperimentSendsUpdateExperimentAndATakenNameIsRefused()
    {
        await _store.RenameExperimentAsync("3", "colours", Token);
        _handler.Answer(HttpStatusCode.BadRequest, """{"error_code":"RESOURCE_ALREADY_EXISTS","message":"Experiment 'colours' already exists."}""");
        var taken = await Assert.ThrowsAsync<TrackingException>(() => _store.RenameExperimentAsync("4", "colours", Token));

        Assert.Equal((HttpMethod.Post, "/api/2.0/mlflow/experiments/update"), (_handler.Requests[0].Method, _handler.Requests[0].Uri.AbsolutePath));
        AssertJson("experiments-update.request.json", _handler.Requests[0].Body);
        Assert.Equal("There is already an experiment named 'colours'.", taken.Message);
    }

    [Fact]
    public async Task CreatingAnExperimentWhoseNameIsTakenIsRefused()
    {
        _handler.Answer(HttpStatusCode.BadRequest, """{"error_code":"RESOURCE_ALREADY_EXISTS","message":"Experiment 'colors' already exists."}""");

        var error = await Assert.ThrowsAsync<TrackingException>(() => _store.CreateExperimentAsync("colors", Token));

        Assert.Equal("/api/2.0/mlflow/experiments/create", _handler.Requests[0].Uri.AbsolutePath);
        Assert.Equal("There is already an experiment named 'colors'.", error.Message);
    }

    [Fact]
    public async Task ExperimentsAreListedFromSearchExperimentsByName()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("experiments-search.response.json"));

        var experiments = await _store.ListExperimentsAsync(Token);

        Assert.Equal("/api/2.0/mlflow/experiments/search", _handler.Requests[0].Uri.AbsolutePath);
        Assert.Equal([("0", "Default"), ("3", "colors")], experiments.Select(e => (e.ExperimentId, e.Name)));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), experiments[1].CreationTime);
    }

    [Fact]
    public async Task APrefixIsLookedUpAmongTheActiveRunsOfEveryExperiment()
    {
        _handler.Answer(HttpStatusCode.OK, Fixture("experiments-search.response.json"));
        var run = JsonNode.Parse(Fixture("runs-get.response.json"))!["run"]!.DeepClone();
        var other = run.DeepClone();
        other["info"]!["run_id"] = "9a00000000000000000000000000000b";
        _handler.Answer(HttpStatusCode.OK, new JsonObject { ["runs"] = new JsonArray(run, other) }.ToJsonString());

        var found = await RunIds.ResolveAsync(_store, "0F5E1C", Token);

        Assert.Equal(RunId, found);
        var search = JsonNode.Parse(_handler.Requests[1].Body)!;
        Assert.Equal("/api/2.0/mlflow/runs/search", _handler.Requests[1].Uri.AbsolutePath);
        Assert.Equal(["0", "3"], search["experiment_ids"]!.AsArray().Select(e => (string)e!));
        Assert.Equal("ACTIVE_ONLY", (string?)search["run_view_type"]);
    }

    [Fact]
    public async Task AWholeIdIsLookedUpWithRunsGetAndADeletedRunIsNotFound()
    {
        var deleted = JsonNode.Parse(Fixture("runs-get.response.json"))!;
        deleted["run"]!["info"]!["lifecycle_stage"] = "deleted";
        _handler.Answer(HttpStatusCode.OK, Fixture("runs-get.response.json"));
        _handler.Answer(HttpStatusCode.OK, deleted.ToJsonString());

        Assert.Equal(RunId, await RunIds.ResolveAsync(_store, RunId, Token));
        await Assert.ThrowsAsync<RunNotFoundException>(() => RunIds.ResolveAsync(_store, RunId, Token));
        Assert.All(_handler.Requests, r => Assert.Equal("/api/2.0/mlflow/runs/get", r.Uri.AbsolutePath));
    }

    public void Dispose() => _store.Dispose();
}
