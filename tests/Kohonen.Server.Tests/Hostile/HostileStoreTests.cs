using System.Net;
using System.Text.Json;
using Kohonen.Testing;
using Kohonen.Tracking;
using Microsoft.Data.Sqlite;

namespace Kohonen.Server.Tests.Hostile;

/// <summary>
/// A store whose files were damaged behind the service's back: a run's <c>model.som</c> flipped or
/// deleted. Activating it or drawing it is a problem naming the run (409), never a 500, and the
/// served model is unchanged.
/// </summary>
public sealed class HostileStoreTests : IAsyncLifetime
{
    private const string Key = "store-key";
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-hostile-store-").FullName;
    private SqliteTrackingStore _store = null!;
    private string _good = "";
    private string _flipped = "";
    private string _deleted = "";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = SqliteTrackingStore.Open(_folder);
        var colors = SampleData.RandomColors(20, 3);
        var options = new SomOptions { Width = 4, Height = 3, Iterations = 30, Seed = 1 };
        _good = (await TrainingRecorder.TrainAsync(_store, "colors", "good", new SomTrainer(options), colors)).RunId;
        _flipped = (await TrainingRecorder.TrainAsync(_store, "colors", "flipped", new SomTrainer(options with { Seed = 2 }), colors)).RunId;
        _deleted = (await TrainingRecorder.TrainAsync(_store, "colors", "deleted", new SomTrainer(options with { Seed = 3 }), colors)).RunId;

        var flipped = ModelFile(_flipped);
        var bytes = File.ReadAllBytes(flipped);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(flipped, bytes);
        File.Delete(ModelFile(_deleted));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private string ModelFile(string runId) =>
        Directory.GetFiles(_folder, "model.som", SearchOption.AllDirectories).Single(f => f.Contains(runId, StringComparison.Ordinal));

    [Fact]
    public async Task ADamagedOrMissingModelIsAProblemNamingTheRun()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = _store, ApiKey = Key, Selection = new SelectionRules { RunId = _good } });
        using var client = await factory.StartedClientAsync();
        var tally = new HostileTally("stores / damaged models through the service");
        foreach (var runId in new[] { _flipped, _deleted })
        {
            using var activate = new HttpRequestMessage(HttpMethod.Post, $"/models/{runId}/activate");
            activate.Headers.Add("X-Api-Key", Key);
            await tally.CheckAsync($"activate {runId}", async () => await AssertProblemAsync(await client.SendAsync(activate, Token), runId));
            foreach (var kind in new[] { "rgb", "umatrix", "planes" })
            {
                // Twice: a failed drawing is not kept as the picture.
                await tally.CheckAsync($"{kind} of {runId[..8]}", async () => await AssertProblemAsync(await client.GetAsync($"/maps/{runId[..8]}/{kind}.png", Token), runId));
                await tally.CheckAsync($"{kind} of {runId}", async () => await AssertProblemAsync(await client.GetAsync($"/maps/{runId}/{kind}.png", Token), runId));
            }
        }

        var health = JsonDocument.Parse(await client.GetStringAsync("/health", Token)).RootElement;
        tally.Verify("the served model is unchanged", () => Assert.Equal(_good, health.GetProperty("run_id").GetString()));
        tally.Done();
    }

    [Fact]
    public async Task AnUnreadableDatabaseKeepsTheServiceUpWithHealth503()
    {
        var folder = Path.Combine(_folder, "junk");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "kohonen.db"), [.. Enumerable.Repeat((byte)'x', 8192)]);
        Assert.Throws<TrackingStoreException>(() => SqliteTrackingStore.Open(folder));

        await using var factory = new ServerFactory(new KohonenServerOptions { Store = SqliteTrackingStore.Unopened(folder), ApiKey = Key });
        using var client = await factory.StartedClientAsync();

        using var health = await client.GetAsync("/health", Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains($"The store in '{folder}' cannot be used", await health.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        foreach (var path in new[] { "/models", "/runs/0123456789abcdef0123456789abcdef", "/maps/0123456789abcdef0123456789abcdef/rgb.png" })
        {
            using var response = await client.GetAsync(path, Token);
            var text = await response.Content.ReadAsStringAsync(Token);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"The store in '{folder}' cannot be used: the database file is damaged", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ARunWhoseTrainingWasKilledSaysSo()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        await gone.WaitForExitAsync(Token);
        var experiment = await _store.GetOrCreateExperimentAsync("colors", Token);
        var run = await _store.CreateRunAsync(experiment.ExperimentId, "killed", Token);
        await _store.SetTagsAsync(run.RunId, new Dictionary<string, string> { [RunOwner.ProcessTag] = gone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Token);

        await using var factory = new ServerFactory(new KohonenServerOptions { Store = _store, ApiKey = Key, Selection = new SelectionRules { RunId = _good } });
        using var client = await factory.StartedClientAsync();
        var status = JsonDocument.Parse(await client.GetStringAsync($"/runs/{run.RunId}", Token)).RootElement;

        Assert.Equal("RUNNING", status.GetProperty("status").GetString());
        Assert.Contains($"The training's process ({gone.Id} on {Environment.MachineName}) is gone", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        // The dashboard's runs table and run page say so beside the stored status.
        var table = await client.GetStringAsync("/", Token);
        Assert.Contains("dead: its training process is gone", table, StringComparison.Ordinal);
        var page = await client.GetStringAsync($"/dashboard/runs/{run.RunId}", Token);
        Assert.Contains("(dead: its training process is gone (kohonen runs gc marks it))", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALiveOrFinishedRunIsNotMarkedDead()
    {
        var experiment = await _store.GetOrCreateExperimentAsync("colors", Token);
        var run = await _store.CreateRunAsync(experiment.ExperimentId, "alive", Token);
        await _store.SetTagsAsync(run.RunId, RunOwner.CurrentTags(), Token);

        await using var factory = new ServerFactory(new KohonenServerOptions { Store = _store, ApiKey = Key, Selection = new SelectionRules { RunId = _good } });
        using var client = await factory.StartedClientAsync();

        Assert.DoesNotContain("dead:", await client.GetStringAsync("/", Token), StringComparison.Ordinal);
        Assert.DoesNotContain("dead:", await client.GetStringAsync($"/dashboard/runs/{run.RunId}", Token), StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string runId)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Token);
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains($"run {runId}: model.som", detail, StringComparison.Ordinal);
            Assert.DoesNotContain(" at Kohonen.", text, StringComparison.Ordinal);
        }
    }
}
